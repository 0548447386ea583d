#!/usr/bin/env python3
"""A real browser against `drillbook serve`: headless Chromium (Debian's chromium and
chromium-driver) driven by selenium, on a server this script starts on 127.0.0.1 and stops.

A school admin sets their password through the setup link, signs in, records a fire drill with one
field wrong (the error shows beside it, nothing is stored) then right, sees it gone from the
overdue list and done on its page, makes a staff subscribe link, and signs out. Screenshots of each
step go to the folder given as the second argument; look at them.

Usage: record_drill.py DRILLBOOK_BINARY SCREENSHOT_FOLDER
"""
import os
import sys

from selenium.webdriver.common.by import By

from district import District, chromium, wait_for_next_page

PASSWORD = "correct horse battery staple"


def main():
    binary, shots = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.makedirs(shots, exist_ok=True)
    browser = chromium()
    if browser is None:
        return
    district = District(binary, os.path.join(shots, "server.log"))
    base, port, prefix = district.base, district.port, district.prefix
    added = district.run("user", "add", "principal@lakeside.example", "--role", "school-admin", "--school",
                         "lincoln-hs", "--as", "test")
    link = next(word for word in added.split() if word.startswith(base + "/setup/"))
    with district.serving():
        try:
            def shot(name):
                browser.save_screenshot(os.path.join(shots, name + ".png"))

            def follow(element):
                """Clicks and waits for the next page: asserting on the old one races the browser."""
                page = browser.find_element(By.TAG_NAME, "html")
                element.click()
                wait_for_next_page(browser, page)

            def fill(field, value):
                element = browser.find_element(By.ID, field)
                element.clear()
                element.send_keys(value)

            browser.get(link)
            fill("password", PASSWORD)
            fill("confirm", PASSWORD)
            shot("1-setup")
            follow(browser.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
            assert "Your password is set" in browser.page_source, browser.page_source

            fill("email", "principal@lakeside.example")
            fill("password", PASSWORD)
            follow(browser.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
            assert browser.current_url == base + "/schools/lincoln-hs", browser.current_url
            assert "fire-drill-3" in browser.page_source
            shot("2-school")

            follow(browser.find_element(By.CSS_SELECTOR, f'a[href="{prefix}/schools/lincoln-hs/items/fire-drill-3/record"]'))
            # datetime-local takes typed digits; the server's value is already the scheduled start.
            fill("conducted_by", "Ana Ruiz")
            fill("notification_method", "fire alarm")
            # A number input refuses letters; make it plain text, as an older browser's would be, so the
            # server's own check is what stops the wrong value.
            browser.execute_script("document.getElementById('head_count').type='text'")
            fill("head_count", "about 600")
            fill("problems", "Door 4 alarm was quiet")
            fill("time_to_evacuate", "4m30s")
            follow(browser.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
            error = browser.find_element(By.ID, "head_count-error")
            assert "not a whole number" in error.text, error.text
            assert browser.find_element(By.ID, "conducted_by").get_attribute("value") == "Ana Ruiz"
            shot("3-record-error")

            fill("head_count", "612")
            # A scan of the sign-in sheet (any PNG will do: the school page's screenshot).
            browser.find_element(By.ID, "attachment").send_keys(os.path.join(shots, "2-school.png"))
            follow(browser.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
            assert browser.current_url == base + "/schools/lincoln-hs/items/fire-drill-3", browser.current_url
            assert "recorded by principal@lakeside.example" in browser.page_source
            assert ">2-school.png</a>" in browser.page_source, "the attachment is listed"
            shot("4-item-done")

            follow(browser.find_element(By.LINK_TEXT, "My school"))
            assert f'href="{prefix}/schools/lincoln-hs/items/fire-drill-3/record"' not in browser.page_source
            shot("5-school-after")

            follow(browser.find_element(By.LINK_TEXT, "Calendar feeds"))
            follow(browser.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
            links = [element.text for element in browser.find_elements(By.CSS_SELECTOR, "code.link")]
            assert any(text.startswith(f"webcal://127.0.0.1:{port}{prefix}/feeds/") for text in links), links
            shot("6-feeds")

            if district.many:
                # Signed in to Lakeside is nothing at Bayview: its pages ask for a sign-in of their own.
                browser.get(district.origin + "/d/bayview-usd/")
                assert browser.current_url == district.origin + "/d/bayview-usd/sign-in", browser.current_url
                assert "principal@lakeside.example" not in browser.page_source
                shot("6b-neighbour-signed-out")
                browser.get(district.origin + "/")
                assert 'href="/d/bayview-usd/"' in browser.page_source, browser.page_source
                shot("6c-districts")
                follow(browser.find_element(By.CSS_SELECTOR, 'a[href="/d/lakeside-isd/"]'))
                # (a school admin's home is their school)
                assert browser.current_url == base + "/schools/lincoln-hs", browser.current_url
            follow(browser.find_element(By.CSS_SELECTOR, "header button[type=submit]"))
            assert browser.current_url == base + "/sign-in", browser.current_url
            shot("7-signed-out")

            history = district.run("history", "lincoln-hs/fire-drill-3")
            assert "recorded by principal@lakeside.example" in history, history
            print(f"browser test passed; screenshots in {shots}")
        finally:
            browser.quit()


if __name__ == "__main__":
    main()
