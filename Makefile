# MindSpace: `make demo` and `make test` are the two set-up commands (see README.md).
SWIFT ?= swift
BIN := .build/release/mindspace
OUT ?= output

.PHONY: deps build release demo test bench verify-checkpoint clean

deps:
	@./scripts/ensure-system-packages.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

demo: release
	$(BIN) inspect --stats datasets/digits.npy
	$(BIN) pca datasets/digits.npy --components 10 --out $(OUT)/digits-pca

test: deps
	$(SWIFT) test

bench: release
	./bench/run.sh

# inspect --stats on a real Hugging Face checkpoint, checked against numpy + safetensors.
verify-checkpoint: release
	./bench/run.sh --verify-checkpoint

clean:
	rm -rf .build
