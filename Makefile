# Two commands for a new user on Debian or Ubuntu; both install what is missing first.
.PHONY: run test setup-run setup-test package package-test bench windows-check

run: setup-run
	scripts/run.sh

test: setup-test
	scripts/test.sh

setup-run:
	scripts/setup.sh run

setup-test:
	scripts/setup.sh test

# Release packages (.deb, .rpm) into target/release/bundle/, and a test that installs the .deb.
package:
	scripts/setup.sh package
	scripts/package.sh

package-test: package
	scripts/setup.sh test
	scripts/package-test.sh

# PMI Desk against a bare Tauri window (launch, memory), the tray, the local service, sizes.
bench: setup-test
	scripts/setup.sh package
	scripts/bench.sh

# The Windows build (MinGW) linted, and its Rust tests (the app's IPC tests too) run under Wine.
windows-check: setup-run
	scripts/windows-check.sh
