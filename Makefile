# Two commands for a new user on Debian or Ubuntu; both install what is missing first.
.PHONY: run test setup-run setup-test

run: setup-run
	scripts/run.sh

test: setup-test
	scripts/test.sh

setup-run:
	scripts/setup.sh run

setup-test:
	scripts/setup.sh test
