# MindSpace: `make demo` and `make test` are the two set-up commands (see README.md).
SWIFT ?= swift
BIN := .build/release/mindspace
OUT ?= output

.PHONY: deps build release demo gallery test golden readme check-architecture bench verify-checkpoint clean \
	fuzz sanitize reliability

deps:
	@./scripts/ensure-system-packages.sh

build: deps
	$(SWIFT) build

# The Swift runtime and Foundation are linked statically into the release binary: a process
# then starts in ~10 ms with ~18 MB resident instead of ~25 ms and ~25 MB (dozens of shared
# libraries), which every whole-process figure in BENCHMARKS.md includes.
release: deps
	$(SWIFT) build -c release --static-swift-stdlib

demo: release
	$(BIN) demo --out $(OUT)
	@echo "demo: open $(OUT)/index.md"

test: deps check-architecture
	$(SWIFT) test

# Rewrite the golden help texts and JSON key sets (Tests/EndToEndTests/Golden); review git diff.
golden: deps
	MINDSPACE_UPDATE_GOLDEN=1 $(SWIFT) test --filter GoldenContractTests

# Rewrite the outputs shown under the README's console examples from the built binary (the test
# suite runs every example and compares); review git diff README.md.
readme: deps
	MINDSPACE_UPDATE_README=1 $(SWIFT) test --filter ReadmeExamplesTests

# The layering rules (docs/architecture.md): every import declared by its target, each C target
# imported by one Swift module, no Swift file over 500 lines.
check-architecture:
	@mkdir -p .build
	$(SWIFT) package dump-package > .build/package.json
	$(SWIFT) scripts/check-architecture.swift .build/package.json

bench: release
	./bench/run.sh

# inspect --stats on a real Hugging Face checkpoint, checked against numpy + safetensors.
verify-checkpoint: release
	./bench/run.sh --verify-checkpoint

clean:
	rm -rf .build Fuzz/.build

# `make fuzz` builds the libFuzzer harnesses of Fuzz/ and runs each for FUZZ_SECONDS (default
# 60), recording its figures in docs/reliability/fuzz.tsv (issue 17).
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) ./scripts/fuzz.sh; status=$$?; \
	$(MAKE) --no-print-directory reliability && exit $$status

# `make sanitize` runs the test suite under ASan (with LeakSanitizer) and UBSan (our C kernels),
# and the parallel suites under TSan, recording the results in docs/reliability/sanitize.tsv.
# SANITIZE=fast: the reader, core and C-kernel suites only under ASan and UBSan.
SANITIZE ?= full
sanitize: deps
	SANITIZE=$(SANITIZE) ./scripts/sanitize.sh; status=$$?; \
	$(MAKE) --no-print-directory reliability && exit $$status

# docs/reliability.md from docs/reliability/template.md and the recorded results; `make fuzz` and
# `make sanitize` run it at their end, even when they fail, so the page shows open findings.
reliability:
	$(SWIFT) scripts/reliability-report.swift $(CURDIR)

# The README's pictures, made by the tool from datasets/ (see docs/gallery/README.md).
GALLERY := docs/gallery
gallery: release
	$(BIN) project datasets/digits.npy --groups datasets/digits-labels.tsv --method pca \
		--title "Handwritten digits (1797 images of 8×8 pixels) — PCA" --out $(OUT)/gallery/digits-pca
	$(BIN) project datasets/digits.npy --groups datasets/digits-labels.tsv --method random --seed 0 \
		--title "Handwritten digits (1797 images of 8×8 pixels) — random projection" --out $(OUT)/gallery/digits-random
	$(BIN) pca datasets/digits.npy --out $(OUT)/gallery/digits-scree
	mkdir -p $(GALLERY)
	cp $(OUT)/gallery/digits-pca/projection.png $(GALLERY)/digits-pca.png
	cp $(OUT)/gallery/digits-random/projection.png $(GALLERY)/digits-random.png
	cp $(OUT)/gallery/digits-scree/scree.png $(GALLERY)/digits-scree.png
	$(BIN) batch datasets/trajectories/runs --quiet --out $(OUT)/gallery/trajectories
	cd $(OUT)/gallery/trajectories && cp weight-set-pca.png $(CURDIR)/$(GALLERY)/trajectories-weight-set.png && cp runs/subset0-seed0/trajectory-path.png $(CURDIR)/$(GALLERY)/trajectory-path.png && cp runs/subset0-seed0/trajectory-scree.png $(CURDIR)/$(GALLERY)/trajectory-scree.png
	$(BIN) demo --quiet --out $(OUT)/gallery/demo
	cp $(OUT)/gallery/demo/mindspace/contrast.png $(GALLERY)/mindspace-contrast.png
	cp $(OUT)/gallery/demo/hypotheses/hypotheses.png $(GALLERY)/hypotheses.png
	cp $(OUT)/gallery/demo/digits/contrast.png $(GALLERY)/digits-contrast.png
	cp $(OUT)/gallery/demo/representations/compare-linear-cka-debiased.png $(GALLERY)/representations-cka.png
	cp $(OUT)/gallery/demo/representations/compare-linear-cka-debiased-mds.png $(GALLERY)/representations-mds.png
	cp $(OUT)/gallery/demo/layers/layers-profile.png $(GALLERY)/layers-profile.png
	cp $(OUT)/gallery/demo/layers/layers-transitions.png $(GALLERY)/layers-transitions.png
	if [ -f $(OUT)/gallery/demo/text-embeddings/contrast.png ]; then cp $(OUT)/gallery/demo/text-embeddings/contrast.png $(GALLERY)/text-embeddings-contrast.png; fi
