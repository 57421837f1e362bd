/* Speed of the C library as an app sees it (not part of the test suite):
 *   cargo build -p cairn-guard-ffi --release
 *   cc -O2 -I include tests/c/bench.c ../../target/release/libcairn_guard_ffi.a -lpthread -ldl -lm -o bench
 *   ./bench 20000
 * Prints the time of the first session (parsing the embedded data), the pushes per second over
 * the whole conversation and the mean time of the last 1,000 pushes (a long conversation). */
#define _POSIX_C_SOURCE 199309L
#include "cairn_guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char *const lines[] = {
  "did you finish the maths homework?", "lol ok", "are u home alone right now?",
  "tu viens à la fête samedi ?", "hast du morgen zeit zum lernen", "ik ben zo moe van school",
  "dont tell anyone about us ok", "ce faci diseara?", "send me a pic pls", "haha yes 😂",
};

int main(int argc, char **argv) {
  size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 20000;
  if (n < 1000) n = 1000;
  CairnGuardSession *s = NULL;
  double t0 = now();
  if (cairn_guard_session_new(&s) != CAIRN_GUARD_STATUS_OK) return 1;
  double t1 = now();
  double tail_start = 0;
  CairnGuardUpdate u;
  for (size_t i = 0; i < n; i++) {
    if (i == n - 1000) tail_start = now();
    const char *text = lines[i % (sizeof lines / sizeof lines[0])];
    const char *author = (i % 3 == 0) ? "a" : "b";
    if (cairn_guard_session_push(s, (const uint8_t *)author, 1, NULL, 0, (const uint8_t *)text,
                                 strlen(text), &u) != CAIRN_GUARD_STATUS_OK)
      return 1;
  }
  double t2 = now();
  printf("first session: %.3f s\n", t1 - t0);
  printf("%zu pushes: %.3f s, %.0f messages/s\n", n, t2 - t1, (double)n / (t2 - t1));
  printf("last 1000 pushes: mean %.1f us\n", (t2 - tail_start) / 1000.0 * 1e6);
  printf("final level %d, risk %.3f\n", (int)u.level, u.risk);
  cairn_guard_session_free(s);
  return 0;
}
