"""A local HTTP receiver for the webhook tests: listens on 127.0.0.1 (a free port, printed on the first
line of stdout), writes each POST body to a numbered file in the folder given as argument 1, answers
500 while a file named FAIL exists in that folder and 200 otherwise, and stops when stdin closes or
after 120 seconds. A file named SLOW holding seconds delays the whole answer (a receiver that takes
the alert but answers late); one named DRIP sends the 200 at once and then its body a byte each half
second for five seconds (an answer that never pauses long, but takes long)."""
import os
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from http.server import BaseHTTPRequestHandler, HTTPServer

folder = sys.argv[1]
count = 0


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if os.path.exists(os.path.join(folder, "FAIL")):
            self.send_response(500)
            self.end_headers()
            return
        count += 1
        with open(os.path.join(folder, "%04d.json" % count), "wb") as out:
            out.write(body)
        slow = os.path.join(folder, "SLOW")
        if os.path.exists(slow):
            time.sleep(float(open(slow).read()))
        self.send_response(200)
        if os.path.exists(os.path.join(folder, "DRIP")):
            self.send_header("Content-Length", "10")
            self.end_headers()
            self.wfile.flush()
            for _ in range(10):
                time.sleep(0.5)
                self.wfile.write(b".")
                self.wfile.flush()
            return
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
threading.Timer(120, lambda: os._exit(0)).start()
server.serve_forever()
