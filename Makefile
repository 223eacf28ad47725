# The two commands a newcomer needs: `make up` and `make test` (see README.md).
.PHONY: up down test smoke install territory i18n i18n-compile wheel bench backup restore

up:
	@bash scripts/up.sh

down:
	@bash scripts/down.sh

test:
	@bash scripts/test.sh $(PYTEST_ARGS)

install:
	@bash scripts/install.sh

# Regenerates the committed territory reference data (byte for byte).
territory:
	python3 scripts/build_territory.py

# Extracts, updates and compiles the extension's translations.
i18n:
	@bash scripts/i18n.sh all

i18n-compile:
	@bash scripts/i18n.sh compile

wheel:
	.venv/bin/python -m build --wheel --outdir dist .

smoke:
	@bash scripts/smoke.sh

bench:
	@BENCH="$(BENCH)" BENCH_ARGS="$(BENCH_ARGS)" bash scripts/bench.sh

# Backups (README "Backups"): make backup [BACKUP_DIR=var/backups] [BACKUP_KEEP=N];
# make restore BACKUP=var/backups/<YYYY-MM-DDTHHMMSS> [FORCE=1] into an empty portal.
backup:
	@bash scripts/backup.sh

restore:
	@bash scripts/restore.sh "$(BACKUP)"
