"""A local SMTP server for the alert tests: listens on 127.0.0.1 (a free port, printed on the first
line of stdout), writes each message it receives to a numbered file in the folder given as argument 1,
and stops when stdin closes or after 120 seconds."""
import os
import socket
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.folder, "%04d.eml" % self.count)
        with open(path, "wb") as out:
            out.write(("X-Envelope-To: %s\n" % ",".join(envelope.rcpt_tos)).encode())
            out.write(envelope.original_content or envelope.content)
        return "250 OK"


# aiosmtpd's controller needs a real port to check itself: take a free one from the kernel.
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
controller = Controller(Sink(sys.argv[1]), hostname="127.0.0.1", port=port)
controller.start()
print(port, flush=True)
threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
time.sleep(120)
controller.stop()
