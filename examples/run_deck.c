/* Run a deck with the iondrift C API and list its results (docs/api.md):
 *   cc run_deck.c $(pkg-config --cflags --libs iondrift) -o run_deck
 *   ./run_deck fapbi3_pin.yaml [OUT.h5]                                   */
#include <iondrift.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s DECK.yaml [OUT.h5]\n", argv[0]);
    return 2;
  }
  idr_error err;
  idr_error_clear(&err);
  idr_study *s = NULL;
  idr_result *r = NULL;
  if (idr_study_load(argv[1], NULL, 0, &s, &err) || idr_study_run(s, 0, NULL, NULL, &r, &err) ||
      (argc > 2 && idr_result_write(r, argv[2], NULL, &err))) {
    fprintf(stderr, "run_deck: %s\n", err.msg);
    idr_study_free(&s);
    return 1;
  }
  for (size_t i = 0; i < idr_result_count(r); i++) {
    idr_dataset d;
    if (idr_result_entry(r, i, &d, &err) == IDR_OK && d.is_dataset)
      printf("%-28s %6zu x %-4zu %s\n", d.name, d.dims[0], d.dims[1], d.units);
  }
  idr_result_free(&r);
  idr_study_free(&s);
  return 0;
}
