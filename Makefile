# Drillbook: the two README commands are `make example` and `make test`.
PREFIX ?= /usr/local
SWIFT ?= swift
EXAMPLE_CALENDAR := Calendars/lakeside-2027-2028.ics
VENV := .venv

.PHONY: all deps checkers build example test browser api bench-server bench-cluster bench-ical lint format install install-files uninstall bench fuzz asan tsan concurrency clean

all: build

## deps: Debian packages (libical-dev, libsqlite3-dev, zlib1g-dev, pkg-config, tzdata, unicode-cldr-core, python3-venv, msmtp, libmimalloc-dev)
deps:
	@scripts/install-deps.sh

## checkers: the python readers tests compare against, in .venv
checkers: $(VENV)/.installed
$(VENV)/.installed: Tests/Checkers/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r Tests/Checkers/requirements.txt
	touch $@

build: deps
	$(SWIFT) build

## example: install what is missing, then run the example district end to end (drillbook demo)
example: deps checkers build
	$(SWIFT) run --skip-build drillbook calendar validate $(EXAMPLE_CALENDAR)
	$(SWIFT) run --skip-build drillbook demo

## test: formatting lint, then every test (unit, independent-reader, end-to-end, the browser)
test: deps checkers lint
	$(SWIFT) build --build-tests
	scripts/postgres.sh run scripts/scratch.sh $(SWIFT) test
	$(MAKE) browser api

## api: schemathesis against the served /openapi.json (no 5xx, every response as documented), a tip
## line posting signed reports from python, and a live incident from tip to report; the schema run
## and the live incident again with both databases in a throwaway PostgreSQL, when Debian's
## postgresql-15 is there, and two servers on one database driven at once, one killed mid-run
api: checkers
	$(SWIFT) build --product drillbook
	$(VENV)/bin/python Tests/Server/api_schema.py "$$($(SWIFT) build --show-bin-path)/drillbook" artifacts/api
	$(VENV)/bin/python Tests/Server/intake.py "$$($(SWIFT) build --show-bin-path)/drillbook" artifacts/api
	$(VENV)/bin/python Tests/Server/live_incident.py "$$($(SWIFT) build --show-bin-path)/drillbook" artifacts/api
	scripts/postgres.sh run sh -c '[ -n "$$DRILLBOOK_TEST_POSTGRES" ] || exit 0; \
		bin="$$($(SWIFT) build --show-bin-path)/drillbook"; \
		DRILLBOOK_DB=$$(scripts/postgres.sh fresh) $(VENV)/bin/python Tests/Server/api_schema.py "$$bin" artifacts/api-postgres \
		&& DRILLBOOK_DB=$$(scripts/postgres.sh fresh) DRILLBOOK_INCIDENTS_DB=$$(scripts/postgres.sh fresh) \
		$(VENV)/bin/python Tests/Server/live_incident.py "$$bin" artifacts/api-postgres \
		&& DRILLBOOK_DB=$$(scripts/postgres.sh fresh) DRILLBOOK_INCIDENTS_DB=$$(scripts/postgres.sh fresh) \
		$(VENV)/bin/python Tests/Server/two_servers.py "$$bin" artifacts/api-postgres'

## browser: headless Chromium (Debian's chromium, chromium-driver) records a drill on `drillbook serve`
## (again with the schedule in a throwaway PostgreSQL, when there is one); screenshots in
## artifacts/browser. Skipped without chromium, except under CI.
browser: checkers
	$(SWIFT) build --product drillbook
	$(VENV)/bin/python Tests/Server/record_drill.py "$$($(SWIFT) build --show-bin-path)/drillbook" artifacts/browser
	$(VENV)/bin/python Tests/Server/tip_page.py "$$($(SWIFT) build --show-bin-path)/drillbook" artifacts/browser
	scripts/postgres.sh run sh -c '[ -n "$$DRILLBOOK_TEST_POSTGRES" ] || exit 0; \
		DRILLBOOK_DB=$$(scripts/postgres.sh fresh) $(VENV)/bin/python Tests/Server/record_drill.py \
		"$$($(SWIFT) build --show-bin-path)/drillbook" artifacts/browser-postgres \
		&& DRILLBOOK_TEST_DISTRICTS=1 DRILLBOOK_DB=$$(scripts/postgres.sh fresh) $(VENV)/bin/python \
		Tests/Server/record_drill.py "$$($(SWIFT) build --show-bin-path)/drillbook" artifacts/browser-districts'

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests Benchmarks Fuzz

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests Benchmarks Fuzz

## install: the binary to $(PREFIX)/bin, Templates/ and Calendars/ to $(PREFIX)/share/drillbook
install: deps
	$(SWIFT) build -c release --product drillbook
	$(MAKE) install-files BIN="$$($(SWIFT) build -c release --show-bin-path)/drillbook"

## install-files: copy a built binary (BIN) and the data; the end-to-end test installs the debug build so
install-files:
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/drillbook
	install -m 0755 "$(BIN)" $(DESTDIR)$(PREFIX)/bin/drillbook
	rm -rf $(DESTDIR)$(PREFIX)/share/drillbook/Templates $(DESTDIR)$(PREFIX)/share/drillbook/Calendars
	cp -R Templates Calendars $(DESTDIR)$(PREFIX)/share/drillbook/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/drillbook
	rm -rf $(DESTDIR)$(PREFIX)/share/drillbook

## bench-server: the feed GET (200 and 304) under wrk against nginx serving the same bytes (Debian's nginx, wrk)
bench-server:
	Benchmarks/ServerBenchmark/feeds.sh

## bench-cluster: a 10,000-school district in PostgreSQL (SCHOOLS=N to change), two servers behind nginx,
## feed GETs through nginx against one server direct (Debian's nginx, wrk, PostgreSQL)
bench-cluster:
	scripts/postgres.sh run Benchmarks/ServerBenchmark/feeds-cluster.sh

## bench: one table of ratios from one run: validate and expansion against C over libical and python's
## icalendar and dateutil, the planner at 1,000 and 10,000 schools (BENCH_ARGS to change, e.g. --skip-state)
bench: deps checkers
	$(SWIFT) build -c release --product drillbook
	$(SWIFT) build -c release --product ical-benchmark
	$(SWIFT) build -c release --product plan-benchmark
	scripts/postgres.sh run python3 Benchmarks/bench.py --markdown artifacts/bench.md $(BENCH_ARGS)

## bench-ical: build, serialize and parse through Drillbook's ICalendar module against the same in C
bench-ical: deps
	$(SWIFT) run -c release ical-benchmark

## fuzz: the libFuzzer harnesses of Fuzz/, each for FUZZ_SECONDS (default 300), with AddressSanitizer
fuzz: deps
	scripts/fuzz.sh

## concurrency: repeated races as real processes (TRIALS, default 20), counted (scripts/concurrency.sh)
concurrency: build
	scripts/concurrency.sh

## asan: every test under AddressSanitizer (CI runs it); tsan: under ThreadSanitizer, before a release
# A trap (a Swift runtime error) is reported by AddressSanitizer, with its stack, and ends the run:
# Swift's own backtracer, reading the crashed process's stacks under ASan, tripped ASan in turn and
# then hung until CI's time ran out (stop 51). `timeout` ends any other hang the same way.
asan: deps checkers
	LSAN_OPTIONS="suppressions=$(CURDIR)/Fuzz/lsan.supp:print_suppressions=0" \
	ASAN_OPTIONS="handle_sigill=1:handle_abort=1" SWIFT_BACKTRACE=enable=no \
		timeout 45m scripts/postgres.sh run scripts/scratch.sh $(SWIFT) test --scratch-path .build-asan --sanitize=address

tsan: deps checkers
	scripts/postgres.sh run scripts/scratch.sh $(SWIFT) test --scratch-path .build-tsan --sanitize=thread

clean:
	rm -rf .build .build-fuzz .build-asan .build-tsan $(VENV)
