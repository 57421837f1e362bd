/* C test of libcairn_guard_ffi, built by scripts/test (# --- guard-ffi --- block):
 *   cc -std=c11 -Wall -Wextra -Werror -I include tests/c/guard_test.c libcairn_guard_ffi.a -lpthread -ldl -lm
 * A synthetic grooming conversation must get signals and warn; an ordinary one must stay at level
 * none; misuse must get status codes. Exits 0 when every check passes. */
#include "cairn_guard.h"

#include <stdio.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                     \
    }                                                                 \
  } while (0)

struct line { const char *author; const char *text; };

static const struct line grooming[] = {
  {"max", "hey how old are u?"},
  {"lea", "im 13"},
  {"max", "ur so mature for ur age"},
  {"max", "are u home alone right now?"},
  {"max", "dont tell ur parents about us ok"},
  {"max", "send me a pic of u pls"},
};

static const struct line ordinary[] = {
  {"sam", "did you finish the maths homework?"},
  {"lea", "almost, question 4 is hard"},
  {"sam", "we can do it together at lunch tomorrow"},
  {"lea", "ok see you at school"},
};

static CairnGuardStatus push(CairnGuardSession *s, const char *author, const char *text,
                             CairnGuardUpdate *u) {
  return cairn_guard_session_push(s, (const uint8_t *)author, strlen(author), NULL, 0,
                                  (const uint8_t *)text, strlen(text), u);
}

/* Runs a conversation; returns the session (caller frees) and the last update. */
static CairnGuardSession *run(const struct line *lines, size_t n, CairnGuardUpdate *last) {
  CairnGuardSession *s = NULL;
  CairnGuardStatus st = cairn_guard_session_new(&s);
  CHECK(st == CAIRN_GUARD_STATUS_OK);
  CHECK(s != NULL);
  if (s == NULL) return NULL;
  for (size_t i = 0; i < n; i++) {
    st = push(s, lines[i].author, lines[i].text, last);
    if (st != CAIRN_GUARD_STATUS_OK) fprintf(stderr, "push: %s\n", cairn_guard_status_message(st));
    CHECK(st == CAIRN_GUARD_STATUS_OK);
    CHECK(last->message == i);
  }
  return s;
}

static char *assessment(CairnGuardSession *s, const char *lang) {
  char *json = NULL;
  CHECK(cairn_guard_session_assessment_json(s, (const uint8_t *)lang, strlen(lang), &json) ==
        CAIRN_GUARD_STATUS_OK);
  CHECK(json != NULL);
  return json;
}

int main(void) {
  printf("cairn-guard %s\n", cairn_guard_version());

  CairnGuardUpdate u;
  CairnGuardSession *s = run(grooming, sizeof grooming / sizeof grooming[0], &u);
  CHECK(u.level == CAIRN_GUARD_LEVEL_MEDIUM || u.level == CAIRN_GUARD_LEVEL_HIGH);
  CHECK(u.alert_at >= 0);
  CHECK(u.risk >= 0.5 && u.risk <= 1.0);
  char *json = assessment(s, "fr");
  if (json != NULL) {
    printf("grooming: %s\n", json);
    CHECK(strstr(json, "\"signals\":[{") != NULL);
    CHECK(strstr(json, "\"id\":\"secrecy\"") != NULL);
    CHECK(strstr(json, "\"explanation\":\"") != NULL);
  }
  cairn_guard_string_free(json);

  /* Misuse: each refused with its code, nothing pushed. */
  CHECK(cairn_guard_session_push(s, NULL, 3, NULL, 0, (const uint8_t *)"x", 1, NULL) ==
        CAIRN_GUARD_STATUS_NULL_ARGUMENT);
  CHECK(push(s, "max", "caf\xc3", NULL) == CAIRN_GUARD_STATUS_INVALID_UTF8);
  CHECK(push(NULL, "max", "hi", NULL) == CAIRN_GUARD_STATUS_NULL_ARGUMENT);
  CHECK(cairn_guard_session_new(NULL) == CAIRN_GUARD_STATUS_NULL_ARGUMENT);
  CHECK(cairn_guard_session_assessment_json(s, NULL, 0, NULL) == CAIRN_GUARD_STATUS_NULL_ARGUMENT);
  CHECK(strcmp(cairn_guard_status_message(CAIRN_GUARD_STATUS_INVALID_UTF8),
               "a string was not valid UTF-8") == 0);
  CHECK(strcmp(cairn_guard_status_message(-5), "unknown status") == 0);
  json = assessment(s, "en");
  if (json != NULL) CHECK(strstr(json, "\"messages\":6,") != NULL);
  cairn_guard_string_free(json);
  cairn_guard_session_free(s);

  s = run(ordinary, sizeof ordinary / sizeof ordinary[0], &u);
  CHECK(u.level == CAIRN_GUARD_LEVEL_NONE);
  CHECK(u.alert_at == -1);
  CHECK(u.signals == 0);
  json = assessment(s, "en");
  if (json != NULL) {
    printf("ordinary: %s\n", json);
    CHECK(strstr(json, "\"level\":\"none\"") != NULL);
    CHECK(strstr(json, "\"signals\":[]") != NULL);
  }
  cairn_guard_string_free(json);
  cairn_guard_session_free(s);
  cairn_guard_session_free(NULL);
  cairn_guard_string_free(NULL);

  if (failures != 0) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("all C checks passed\n");
  return 0;
}
