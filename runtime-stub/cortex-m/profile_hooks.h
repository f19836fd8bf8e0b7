/* Per-layer profiling hooks for `mote bench --per-layer`: the generated code is
 * compiled with -DMOTE_PROFILE_HOOKS='"profile_hooks.h"', so each layer's kernel
 * call is bracketed by these (startup.c records SysTick at both ends). On silicon
 * a firmware can write the same two macros around its own counter, e.g. DWT->CYCCNT
 * (docs/performance.md). */
#ifndef MOTE_PROFILE_HOOKS_H_
#define MOTE_PROFILE_HOOKS_H_
extern "C" void mote_layer_begin(int index);
extern "C" void mote_layer_end(int index);
#define MOTE_LAYER_BEGIN(index, name) mote_layer_begin(index)
#define MOTE_LAYER_END(index, name) mote_layer_end(index)
#endif
