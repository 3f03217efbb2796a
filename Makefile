# arbsync — the front door. Each target says what it does.
SHELL := /bin/bash
GO ?= go
DEV_DIR ?= .dev
BIN := bin/arbsync

.PHONY: help build run advance test test-go generate check-generate check-tidy fmt-check vet lint migrate sim bench fuzz clean-dev

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

build: ## build bin/arbsync
	@echo "==> building $(BIN)"
	@$(GO) build -buildvcs=auto -o $(BIN) ./cmd/arbsync

run: build ## start the whole demo: local PostgreSQL, simulator, demo watchlist, daemon
	@scripts/run.sh

advance: build ## beside a running `make run`: let DAYS (default 30) simulated days pass at the vendor and sync everyone
	@scripts/run.sh advance $(or $(DAYS),30)

test: check-generate check-tidy fmt-check vet test-go ## all checks and tests (starts a throwaway PostgreSQL unless TEST_DATABASE_URL is set)

test-go:
	@echo "==> go test ./... (PostgreSQL from TEST_DATABASE_URL or a throwaway cluster)"
	@$(GO) run ./cmd/devpg run -- $(GO) test -count=1 -timeout 15m $(TESTFLAGS) ./...

generate: ## regenerate sqlc code from db/queries and migrations
	@echo "==> sqlc generate"
	@$(GO) tool sqlc generate

check-generate: ## fail if the committed sqlc code differs from what sqlc generates
	@echo "==> sqlc diff (committed generated code must be current)"
	@$(GO) tool sqlc diff || { echo "generated code is stale: run 'make generate' and commit"; exit 1; }

check-tidy: ## fail if go.mod or go.sum is not what go mod tidy makes them
	@echo "==> go mod tidy -diff"
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run 'go mod tidy' and commit"; exit 1; }

fmt-check: ## fail if gofmt would change a file
	@echo "==> gofmt check"
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet: ## go vet
	@echo "==> go vet"
	@$(GO) vet ./...

lint: fmt-check vet ## formatting and vet

migrate: build ## apply migrations to DATABASE_URL (or the local dev database)
	@scripts/run.sh migrate-only

sim: build ## run the upstream simulator on 127.0.0.1:8089 with a dev key pair
	@scripts/run.sh sim-only

# Fuzz targets as package:Function. `make test` runs their seed corpora;
# `make fuzz` explores each for FUZZTIME. A failing input is written to the
# package's testdata/fuzz/ (commit it with the fix: it becomes a seed).
FUZZTIME ?= 10s
FUZZ_TARGETS := ./db:FuzzNumericEncoding ./internal/upstream:FuzzDecodeSigned ./internal/upstream:FuzzDecodeTianyuan ./internal/scorejson:FuzzReadInput ./internal/watchlist:FuzzImport ./migrations:FuzzUSCCAgreesWithSQL

fuzz: ## run each fuzz target for FUZZTIME (default 10s) on a throwaway PostgreSQL
	@echo "==> fuzzing $(words $(FUZZ_TARGETS)) targets for $(FUZZTIME) each"
	@$(GO) run ./cmd/devpg run -- bash -c 'failed=""; \
	  for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; echo "--> $$fn ($$pkg)"; \
	    $(GO) test -run "^$$" -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s $$pkg || failed="$$failed $$fn"; \
	  done; \
	  if [ -n "$$failed" ]; then echo "fuzz failures:$$failed"; exit 1; fi'

bench: ## performance benchmarks (prints a table, writes bench-results.json)
	@echo "==> make bench"
	@$(GO) run ./cmd/arbsync-bench $(BENCHFLAGS)

clean-dev: ## stop and delete the local development database and keys
	@-$(GO) run ./cmd/devpg stop $(DEV_DIR)/pg 2>/dev/null
	@rm -rf $(DEV_DIR)
