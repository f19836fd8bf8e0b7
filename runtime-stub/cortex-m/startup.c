/* Bare-metal start-up for running generated code on QEMU's Cortex-M boards.
 *
 * Reset: enable the FPU where the core has one (before any compiled code can use
 * it), copy .data from flash, clear .bss, open the semihosting handles, run main()
 * and exit with its code through semihosting. Faults print their name and exit
 * non-zero. SysTick counts wraps so the harness can time an inference; under
 * `qemu -icount shift=0` each tick is a fixed number of guest instructions.
 * The same file builds for v6-M (Cortex-M0) and v7/v8-M. */
#include <stdint.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, __stack_top, __stack_limit;
extern int main(int argc, char** argv);
extern void initialise_monitor_handles(void);
extern void exit(int code) __attribute__((noreturn));

/* newlib's exit() runs these; nothing of Mote needs static constructors. */
void* __dso_handle = 0;
void _init(void) {}
void _fini(void) {}

#define SCB_CPACR (*(volatile uint32_t*)0xE000ED88u)
#define SYST_CSR (*(volatile uint32_t*)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t*)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t*)0xE000E018u)

static void semihost(uint32_t op, const void* arg) {
  register uint32_t r0 __asm__("r0") = op;
  register const void* r1 __asm__("r1") = arg;
  __asm__ volatile(".syntax unified\n bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
}

static void __attribute__((noreturn)) die(const char* what, int code) {
  semihost(0x04, what); /* SYS_WRITE0 */
  const uint32_t block[2] = {0x20026u, (uint32_t)code}; /* ADP_Stopped_ApplicationExit */
  semihost(0x20, block); /* SYS_EXIT_EXTENDED */
  for (;;) {}
}

void Reset_Handler(void) {
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
  SCB_CPACR |= 0xFu << 20; /* CP10 and CP11 full access */
  __asm__ volatile("dsb\n isb" ::: "memory");
#endif
  for (uint32_t *src = &_sidata, *dst = &_sdata; dst < &_edata;) *dst++ = *src++;
  for (uint32_t* dst = &_sbss; dst < &_ebss;) *dst++ = 0;
  initialise_monitor_handles();
  exit(main(0, 0));
}

void NMI_Handler(void) { die("mote: NMI\n", 120); }
void HardFault_Handler(void) { die("mote: HardFault (bad memory access or undefined instruction)\n", 121); }
void MemManage_Handler(void) { die("mote: MemManage fault\n", 122); }
void BusFault_Handler(void) { die("mote: BusFault\n", 123); }
void UsageFault_Handler(void) { die("mote: UsageFault (e.g. FPU disabled, unaligned access, divide by zero)\n", 124); }
void Default_Handler(void) { die("mote: unexpected interrupt\n", 125); }

/* --- timing ------------------------------------------------------------------ */
static volatile uint32_t g_systick_wraps;
void SysTick_Handler(void) { g_systick_wraps++; }

#define SYSTICK_RELOAD 0xFFFFFFu

static uint64_t systick_now(void) {
  uint32_t wraps, value;
  do {
    wraps = g_systick_wraps;
    value = SYST_CVR;
  } while (wraps != g_systick_wraps);
  return (uint64_t)wraps * (SYSTICK_RELOAD + 1u) + (SYSTICK_RELOAD - value);
}

void mote_timer_start(void) {
  SYST_RVR = SYSTICK_RELOAD;
  SYST_CVR = 0;
  SYST_CSR = 7u; /* enable, interrupt, processor clock */
  /* The counter reads 0 until its first reload: wait for it before timing. */
  while (SYST_CVR == 0) {}
}

uint64_t mote_timer_ticks(void) { return systick_now(); }

/* --- per-layer profile (profile_hooks.h) ------------------------------------------ */
#define MOTE_MAX_LAYERS 2048
static uint32_t g_layer_ticks[MOTE_MAX_LAYERS];
static uint64_t g_layer_start;
static int g_layers_seen;

void mote_layer_begin(int index) {
  (void)index;
  g_layer_start = systick_now();
}

void mote_layer_end(int index) {
  const uint64_t now = systick_now();
  if (index < 0 || index >= MOTE_MAX_LAYERS) return;
  g_layer_ticks[index] += (uint32_t)(now - g_layer_start);
  if (index + 1 > g_layers_seen) g_layers_seen = index + 1;
}

/* Ticks of an empty begin/end pair (the hooks' own cost, subtracted by bench): the
 * least of several, read before the inference. */
uint32_t mote_layer_overhead(void) {
  uint32_t best = 0xFFFFFFFFu;
  for (int i = 0; i < 8; ++i) {
    mote_layer_begin(0);
    mote_layer_end(0);
    if (g_layer_ticks[0] < best) best = g_layer_ticks[0];
    g_layer_ticks[0] = 0;
  }
  g_layers_seen = 0;
  return best;
}

int mote_layers_seen(void) { return g_layers_seen; }
uint32_t mote_layer_ticks(int index) { return g_layer_ticks[index]; }

/* --- stack high-water mark ------------------------------------------------------- */
#define STACK_PAINT 0xC0FFEE11u

static inline uint32_t* current_sp(void) {
  uint32_t* sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  return sp;
}

/* Paints the free stack below the caller; returns the stack pointer at the call. */
uint32_t* mote_stack_paint(void) {
  uint32_t* sp = current_sp();
  for (uint32_t* p = &__stack_limit; p < sp - 16; ++p) *p = STACK_PAINT;
  return sp;
}

/* Bytes of stack used below `top` since mote_stack_paint(). */
uint32_t mote_stack_used(const uint32_t* top) {
  const uint32_t* p = &__stack_limit;
  while (p < top && *p == STACK_PAINT) ++p;
  return (uint32_t)((const uint8_t*)top - (const uint8_t*)p);
}

/* --- vector table ----------------------------------------------------------------- */
typedef void (*handler_t)(void);
__attribute__((section(".vectors"), used)) const handler_t g_vectors[16 + 32] = {
    (handler_t)&__stack_top, Reset_Handler, NMI_Handler, HardFault_Handler, MemManage_Handler,
    BusFault_Handler, UsageFault_Handler, 0, 0, 0, 0, Default_Handler, Default_Handler, 0, Default_Handler,
    SysTick_Handler,
    /* external interrupts: none are enabled; any that fires is reported */
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler};
