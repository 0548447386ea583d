"""The example district served by `drillbook serve` on 127.0.0.1, for tests that need a real
server: a fresh folder, the plan with a server address, the year scheduled, then the server
started on a free port and stopped (with its folder removed) on exit."""
import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

TODAY = "2027-10-20"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class District:
    """With DRILLBOOK_TEST_DISTRICTS set (and DRILLBOOK_DB a PostgreSQL database), the example
    district is one of two registered in that database (`drillbook district add`), served by one
    server under /d/lakeside-isd/: `base` then carries the prefix, `prefix` says it alone, and
    `origin` is the server's own address."""

    def __init__(self, binary, log):
        self.binary = os.path.abspath(binary)
        self.folder = tempfile.mkdtemp(prefix="drillbook-server-")
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.many = bool(os.environ.get("DRILLBOOK_TEST_DISTRICTS"))
        self.prefix = "/d/lakeside-isd" if self.many else ""
        self.base = self.origin + self.prefix
        self.env = dict(os.environ, DRILLBOOK_NOW=TODAY)
        self.log = log
        self.run("init", "--example")
        with open(os.path.join(self.folder, "drillbook.yaml"), "a") as plan:
            plan.write(f'server: {{base_url: "{self.base}", publish_families: true}}\n')
        if self.many:
            # A neighbour with schools of its own names, registered beside it.
            self.neighbour = os.path.join(self.folder, "bayview")
            self.run("init", "--example", "--dir", self.neighbour)
            path = os.path.join(self.neighbour, "drillbook.yaml")
            with open(path) as plan:
                text = plan.read().replace("id: lakeside-isd", "id: bayview-usd").replace(
                    "name: Lakeside Independent School District", "name: Bayview Unified School District")
            for old, new in (("lincoln-hs", "bayview-hs"), ("ridge-ms", "cove-ms"), ("harbor-es", "pier-es")):
                text = text.replace(old, new)
            with open(path, "w") as plan:
                plan.write(text + f'server: {{base_url: "{self.origin}/d/bayview-usd"}}\n')
            self.run("district", "add", "--plan", "drillbook.yaml")
            self.run("district", "add", "--plan", path)
            self.run("schedule", "--plan", path, "--as-of", "2027-08-01")
        self.run("schedule", "--as-of", "2027-08-01")

    def run(self, *args):
        return subprocess.run([self.binary, *args], cwd=self.folder, env=self.env, check=True, capture_output=True,
                              text=True).stdout

    @contextlib.contextmanager
    def serving(self):
        server = subprocess.Popen([self.binary, "serve", "--listen", f"127.0.0.1:{self.port}"], cwd=self.folder,
                                  env=self.env, stdout=subprocess.DEVNULL, stderr=open(self.log, "w"))
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(self.origin + "/healthz", timeout=1)
                    break
                except OSError:
                    if server.poll() is not None:
                        raise RuntimeError(f"drillbook serve exited {server.returncode}; see {self.log}")
                    time.sleep(0.1)
            yield self
        finally:
            server.terminate()
            server.wait(timeout=10)
            shutil.rmtree(self.folder, ignore_errors=True)


def chromium(width=430, height=1400):
    """Headless Chromium through Debian's chromium-driver, or None (and a note) where there is none;
    under CI a missing browser fails the run."""
    import sys

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not binary or not driver:
        if os.environ.get("CI"):
            sys.exit("chromium and chromium-driver are missing (.ci/run installs them)")
        print("skipped: no chromium or chromedriver here (apt-get install chromium chromium-driver)")
        return None
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(driver), options=options)
    browser.implicitly_wait(5)
    return browser


def wait_for_next_page(browser, page, timeout=10):
    """Waits until `page` (the old page's <html> element) is gone, after a click that loads another.
    Chromium's driver sometimes answers a node of a document being replaced with "does not belong to
    the document" instead of the stale-element error selenium's `staleness_of` waits for: both mean
    the old page is gone."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def gone(_):
        try:
            page.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise

    WebDriverWait(browser, timeout).until(gone)
