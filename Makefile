GO ?= go

.PHONY: test check vet fmt fuzz bench build generate

# The test command CI runs: formatting, vet, the whole test suite with the
# race detector, and a short run of every fuzz target. The fuzz run is
# counted in executions, not seconds: a time limit can end a run with
# "context deadline exceeded" while a worker is mid-input. The seed-policy
# suite writes its table of expected decisions to seed-table.txt, printed
# after the tests.
test: check
	WARDEN_SEED_TABLE=$(CURDIR)/seed-table.txt $(GO) test -race -count=1 -timeout 30m ./...
	@echo "Seed policies end to end (cmd/warden/e2e_seeds_test.go):"; cat seed-table.txt
	$(MAKE) fuzz FUZZTIME=2000x

check: fmt vet

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

build:
	$(GO) build -o bin/warden ./cmd/warden

generate:
	$(GO) generate ./...

FUZZTIME ?= 10s
# Each fuzz target runs alone (go test allows one -fuzz pattern per package).
fuzz:
	@set -e; for spec in $$(grep -rl --include='*_test.go' '^func Fuzz' . | sort); do \
		dir=$$(dirname $$spec); \
		for fn in $$(grep -h '^func Fuzz' $$spec | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
			echo "fuzz $$dir $$fn"; \
			$(GO) test -run='^$$' -fuzz="^$$fn$$" -fuzztime=$(FUZZTIME) $$dir; \
		done; \
	done

bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=6 ./... | tee bench.txt
