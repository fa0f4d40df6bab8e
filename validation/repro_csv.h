/*
 * The reproduce.csv of `iondrift reproduce xiang2026` read back for the
 * validation cases V17, V18 and V43 (columns: docs/outputs.md).
 */
#ifndef IDR_REPRO_CSV_H
#define IDR_REPRO_CSV_H

typedef struct idr_repro_row {
  char sample[32];
  double x;         /* Br fraction [-] */
  int illuminated;  /* 0 dark */
  char species[16]; /* anion | cation | none */
  double Ea_true;   /* [eV] */
  double Ea_x;      /* extracted [eV] */
  double Ea_err;    /* its standard error [eV] */
  double N_true;    /* [cm^-3] */
  double N_x;       /* extracted [cm^-3] */
  /* the TAS panel (NAN when absent): trap bands II and III, the deck's
   * density and the apparent one of Walter's tDOS [cm^-3] */
  double N_II_true, N_II_TAS, N_III_true, N_III_TAS;
} idr_repro_row;

/* Read up to max data rows of path into rows; returns the count read, or -1
 * when the file cannot be opened or has no header line. */
int idr_repro_csv_read(const char *path, idr_repro_row *rows, int max);

#endif
