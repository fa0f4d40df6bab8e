/*
 * Accuracy at the default settings (validation V25-V27): a deck run as the
 * user gives it against a converged reference, the same deck at
 * solver.rtol 1e-10 on twice the mesh nodes (same h_min). docs/accuracy.md
 * states what is compared and why.
 */
#ifndef IDR_VACCURACY_H
#define IDR_VACCURACY_H

#include "harness.h"
#include "idr_config.h"

/* Tolerances of a default-settings comparison. */
typedef struct idr_v_acc_tols {
  double J_rel;    /* |J - J_ref| / |J_ref| at every sample where |J_ref| > J_window x its
                      peak in the segment (also next to a sign change of J_ref) */
  double J_window; /* (the issue: 1e-3) */
  double C_rel;    /* |C/C_ref - 1| at every sample */
  double dC_rel;   /* TID: |dC - dC_ref| / max |dC_ref|, dC = C(t) - C(t_last) */
} idr_v_acc_tols;

/* The criterion: J and C within 1 % wherever |J| > 1e-3 of its peak;
 * the TID transient dC(t) within 2 % of its amplitude. */
idr_v_acc_tols idr_v_acc_default_tols(void);

/* A waveform deck (with protocol.capacitance_f_Hz > 0): J(t) per segment
 * (peak over the samples after the segment's bias change) and C(t). */
void idr_v_accuracy_waveform(idr_vcase *vc, const char *label, const idr_deck *deck,
                             const idr_v_acc_tols *tol);

/* A TID deck: C_eq and C(t) at every temperature, and the transient
 * dC(t) = C(t) - C(t_last) against its amplitude. */
void idr_v_accuracy_tid(idr_vcase *vc, const char *label, const idr_deck *deck,
                        const idr_v_acc_tols *tol);

#endif
