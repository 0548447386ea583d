#!/usr/bin/env python3
"""The anonymous tip page in headless Chromium: a tip sent, its receipt shown, an addition made with
the code; then the browser holds no cookie and the server's log names no client address.

Usage: tip_page.py DRILLBOOK_BINARY SCREENSHOT_FOLDER
"""
import os
import sys

from selenium.webdriver.common.by import By

from district import District, chromium, wait_for_next_page


def main():
    binary, shots = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.makedirs(shots, exist_ok=True)
    browser = chromium(height=1200)
    if browser is None:
        return
    log = os.path.join(shots, "tip-server.log")
    district = District(binary, log)
    with district.serving():
        try:
            def submit(form_index):
                page = browser.find_element(By.TAG_NAME, "html")
                browser.find_elements(By.CSS_SELECTOR, "main form button[type=submit]")[form_index].click()
                wait_for_next_page(browser, page)

            browser.get(district.base + "/tip/lakeside-isd")
            assert "If someone is in danger now, call 911." in browser.page_source
            browser.find_element(By.CSS_SELECTOR, '#school option[value="ridge-ms"]').click()
            browser.find_element(By.ID, "text").send_keys("Someone wrote on the bus that they'd bring a knife Friday")
            browser.find_element(By.ID, "when").send_keys("Friday")
            browser.save_screenshot(os.path.join(shots, "tip-1-form.png"))
            submit(0)
            code = browser.find_element(By.CSS_SELECTOR, "code.link").text
            assert len(code) == 14, code
            browser.save_screenshot(os.path.join(shots, "tip-2-receipt.png"))

            browser.get(district.base + "/tip/lakeside-isd")
            browser.find_element(By.ID, "receipt").send_keys(code)
            browser.find_element(By.ID, "more").send_keys("It was bus 12")
            submit(1)
            assert "Your addition is with the team" in browser.page_source
            assert browser.get_cookies() == [], browser.get_cookies()

            listed = district.run("incident", "list")
            assert "ridge-ms  anonymous-threat" in listed, listed
        finally:
            browser.quit()
    lines = open(log).read().splitlines()
    tips = [line for line in lines if "/tip/" in line]
    assert any("POST /tip/lakeside-isd 201" in line for line in tips), lines
    # The only address in the log is the one the server listens on, said once at start.
    leaks = [line for line in lines if "127.0.0.1" in line and "listening" not in line.lower()]
    assert not leaks, leaks
    print(f"tip page test passed; screenshots in {shots}")


if __name__ == "__main__":
    main()
