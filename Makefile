# Thin wrapper over CMake + CTest. See README.md.
BUILD ?= build
PREFIX ?= /usr/local
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all build test demo install clean asan tsan clang

all: build

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@sh tests/powerfail/summarize.sh $(BUILD)/Testing/Temporary/LastTest.log

demo: build
	$(MAKE) -C examples/kv run BUILD=$(abspath $(BUILD))

install: $(BUILD)/CMakeCache.txt
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX)
	cmake --build $(BUILD) -j $(JOBS)
	cmake --install $(BUILD)

asan:
	$(MAKE) test BUILD=build-asan CMAKE_FLAGS="-DSANITIZE=asan -DCMAKE_BUILD_TYPE=Debug -DPMEMKV_BUILD_PYTHON=OFF"

tsan:
	$(MAKE) build BUILD=build-tsan CMAKE_FLAGS="-DSANITIZE=tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPMEMKV_BUILD_PYTHON=OFF"
	cd build-tsan && ctest --output-on-failure -L mt -j $(JOBS)

# the whole tree must also build warning-free with clang (-Werror)
clang:
	$(MAKE) build BUILD=build-clang CMAKE_FLAGS="-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++"

clean:
	rm -rf build build-asan build-tsan build-clang
