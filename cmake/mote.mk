# Mote for Makefile firmware builds: compiles an ONNX model at build time.
#
#   MOTE ?= path/to/mote                        # default: build/mote of this checkout
#   include <mote>/cmake/mote.mk
#   $(eval $(call mote_model,kws,models/kws_dscnn/model.onnx,--target stm32f446re))
#   firmware.elf: $(kws_OBJECTS) main.o         # kws_SOURCES, kws_HEADER, kws_INCLUDE also set
#   main.o: CPPFLAGS += -I$(kws_INCLUDE)
#   main.o: $(kws_HEADER)
#
# mote_model(NAME, MODEL, OPTIONS): NAME is the C prefix and the folder
# $(MOTE_OUT)/NAME; OPTIONS are `mote compile` options (quantization, part, ...).
# The compile re-runs when the model, a file in a --calibrate folder, the options
# or the mote binary change. docs/integration.md has the details.

MOTE_MK_DIR := $(dir $(lastword $(MAKEFILE_LIST)))
MOTE ?= $(MOTE_MK_DIR)../build/mote
MOTE_OUT ?= mote-out

# The calibration inputs named by --calibrate in $(1), every file under them.
mote_calibration_files = $(foreach d,$(shell echo '$(1)' | tr ' ' '\n' | sed -n '/^--calibrate$$/{n;p}'),\
  $(if $(wildcard $(d)/.),$(shell find $(d) -type f),$(d)))

define mote_model
$(1)_DIR := $(MOTE_OUT)/$(1)
$(1)_HEADER := $(MOTE_OUT)/$(1)/$(1).h
$(1)_SOURCES := $(MOTE_OUT)/$(1)/$(1).cpp $(MOTE_OUT)/$(1)/$(1)_weights.cpp
$(1)_OBJECTS := $$($(1)_SOURCES:.cpp=.o)
$(1)_INCLUDE := $(MOTE_OUT)/$(1)
# The options as a file rewritten only when they change, so a new option re-runs mote.
$$(shell mkdir -p $(MOTE_OUT) && echo '$(2) $(3)' | cmp -s - $(MOTE_OUT)/$(1).options || echo '$(2) $(3)' > $(MOTE_OUT)/$(1).options)
$(MOTE_OUT)/$(1)/$(1).stamp: $(2) $(MOTE_OUT)/$(1).options $(call mote_calibration_files,$(3)) $(MOTE)
	@echo "mote: compiling $(2) into $(1).h, $(1).cpp, $(1)_weights.cpp"
	rm -rf $(MOTE_OUT)/$(1)
	$(MOTE) compile $(2) -o $(MOTE_OUT)/$(1) --name $(1) $(3)
	touch $$@
$$($(1)_HEADER) $$($(1)_SOURCES): $(MOTE_OUT)/$(1)/$(1).stamp
	@:
$$($(1)_OBJECTS): %.o: %.cpp $$($(1)_HEADER)
	$$(CXX) -std=c++17 $$(CPPFLAGS) $$(CXXFLAGS) -I$(MOTE_OUT)/$(1) -c $$< -o $$@
endef
