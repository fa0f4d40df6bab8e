/*
 * iondrift config: the fully resolved deck as YAML text. Every key is written
 * with its value (defaults included, material files merged inline, numbers
 * with %.17g so they read back bit for bit), so that loading this text gives
 * the same idr_deck (apart from source positions) without any material file:
 * a layer's material name is kept as `material_ref`, a pure label, and its
 * composition (family and x) as `composition_ref`, another label.
 */
#include "idr_config.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct idr_yaml_out {
  char *s;
  size_t len, cap;
  int oom;
};
typedef struct idr_yaml_out sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(sbuf *b, const char *fmt, ...) {
  if (b->oom) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
      b->oom = 1;
      return;
    }
    if ((size_t)n < room) {
      b->len += (size_t)n;
      return;
    }
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len <= (size_t)n)
      cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
      b->oom = 1;
      return;
    }
    b->s = s;
    b->cap = cap;
  }
}

/* A double-quoted YAML string. */
static void sb_str(sbuf *b, const char *s) {
  sb_printf(b, "\"");
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\')
      sb_printf(b, "\\%c", ch);
    else if (ch < 0x20)
      sb_printf(b, "\\x%02x", ch);
    else
      sb_printf(b, "%c", ch);
  }
  sb_printf(b, "\"");
}

/* Shortest of %.15g, %.16g, %.17g that reads back to exactly v (%.17g always
 * does): full double precision without 0.20000000000000001 noise. */
const char *idr_yout_fmt(double v, char buf[32]) {
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, 32, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) break;
  }
  return buf;
}

static void kv_num(sbuf *b, const char *indent, const char *key, double v) {
  char t[32];
  sb_printf(b, "%s%s: %s\n", indent, key, idr_yout_fmt(v, t));
}

void idr_yout_num(idr_yaml_out *o, const char *indent, const char *key, double v) {
  kv_num(o, indent, key, v);
}

void idr_yout_printf(idr_yaml_out *o, const char *fmt, ...) {
  if (o->oom) return;
  char small[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) {
    o->oom = 1;
    return;
  }
  if ((size_t)n < sizeof small) {
    sb_printf(o, "%s", small);
    return;
  }
  char *big = malloc((size_t)n + 1);
  if (!big) {
    o->oom = 1;
    return;
  }
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  sb_printf(o, "%s", big);
  free(big);
}
static const char *GEN_NAMES[] = {"none", "uniform", "beer_lambert"};

idr_status idr_deck_emit_yaml(const idr_deck *d, char **out, idr_error *err);

idr_status idr_deck_emit_yaml(const idr_deck *d, char **out, idr_error *err) {
  sbuf b = {0};
  char t1[32], t2[32];
  *out = NULL;
  sb_printf(&b, "# iondrift resolved deck: every value explicit, materials merged inline\n");
  sb_printf(&b, "title: ");
  sb_str(&b, d->title);
  sb_printf(&b, "\n");
  kv_num(&b, "", "temperature_K", d->temperature_K);
  sb_printf(&b, "layers:\n");
  for (int i = 0; i < d->n_layers; i++) {
    const idr_layer *L = &d->layers[i];
    sb_printf(&b, "  - name: ");
    sb_str(&b, L->name);
    sb_printf(&b, "\n");
    if (L->material_ref[0]) {
      sb_printf(&b, "    material_ref: ");
      sb_str(&b, L->material_ref);
      sb_printf(&b, "  # parameters below were merged from this material\n");
    }
    if (L->composition_family[0]) {
      sb_printf(&b, "    composition_ref: {family: ");
      sb_str(&b, L->composition_family);
      sb_printf(&b,
                ", x: %s}  # Eg_eV, chi_eV, eps_r and ion/trap values below were resolved "
                "from this composition\n",
                idr_yout_fmt(L->composition_x, t1));
    }
    kv_num(&b, "    ", "thickness_nm", L->thickness_nm);
    kv_num(&b, "    ", "N_A_cm3", L->N_A_cm3);
    kv_num(&b, "    ", "N_D_cm3", L->N_D_cm3);
    if (L->E_D_eV > 0) {
      kv_num(&b, "    ", "E_D_eV", L->E_D_eV);
      kv_num(&b, "    ", "g_D", L->g_D);
    }
    if (L->E_A_eV > 0) {
      kv_num(&b, "    ", "E_A_eV", L->E_A_eV);
      kv_num(&b, "    ", "g_A", L->g_A);
    }
    if (L->E_D_eV > 0 || L->E_A_eV > 0) kv_num(&b, "    ", "c_dopant_cm3_s", L->c_dopant_cm3_s);
    sb_printf(&b, "    nodes: %d\n", L->nodes);
    for (int k = 0; k < IDR_MATP_COUNT; k++)
      kv_num(&b, "    ", idr_material_param_key(k), idr_material_param_get(&L->mat, k));
  }
  if (d->n_layers > 1) {
    sb_printf(&b, "interfaces:\n");
    for (int i = 0; i + 1 < d->n_layers; i++)
      sb_printf(&b, "  - {s_n_cm_s: %s, s_p_cm_s: %s}\n",
                idr_yout_fmt(d->interfaces[i].s_n_cm_s, t1),
                idr_yout_fmt(d->interfaces[i].s_p_cm_s, t2));
  }
  sb_printf(&b, "ions:%s\n", d->n_ions ? "" : " []");
  for (int i = 0; i < d->n_ions; i++) {
    const idr_ion_species *I = &d->ions[i];
    sb_printf(&b, "  - name: ");
    sb_str(&b, I->name);
    sb_printf(&b, "\n    charge: %d\n    layers: [", I->z);
    int first = 1;
    for (int l = 0; l < d->n_layers; l++)
      if (I->layer_mask & (1u << l)) {
        if (!first) sb_printf(&b, ", ");
        sb_str(&b, d->layers[l].name);
        first = 0;
      }
    sb_printf(&b, "]\n");
    kv_num(&b, "    ", "density_cm3", I->density_cm3);
    kv_num(&b, "    ", "D0_cm2_s", I->D0_cm2_s);
    kv_num(&b, "    ", "Ea_eV", I->Ea_eV);
    kv_num(&b, "    ", "c_max_cm3", I->c_max_cm3);
    if (I->lowering_dEa_eV > 0) {
      sb_printf(&b, "    barrier_lowering:\n");
      kv_num(&b, "      ", "dEa_eV", I->lowering_dEa_eV);
      kv_num(&b, "      ", "n_theta_cm3", I->lowering_n_theta_cm3);
      sb_printf(&b, "      provenance: ");
      sb_str(&b, I->lowering_provenance);
      sb_printf(&b, "\n");
    }
    if (I->creation_k_gen_1_s > 0) {
      sb_printf(&b, "    photo_creation:\n");
      kv_num(&b, "      ", "k_gen_1_s", I->creation_k_gen_1_s);
      sb_printf(&b, "      carrier: %s\n", I->creation_electrons ? "electrons" : "holes");
      kv_num(&b, "      ", "n_theta_cm3", I->creation_n_theta_cm3);
      kv_num(&b, "      ", "tau_rec_s", I->creation_tau_rec_s);
      kv_num(&b, "      ", "N_rec_cm3", I->creation_N_rec_cm3);
      sb_printf(&b, "      provenance: ");
      sb_str(&b, I->creation_provenance);
      sb_printf(&b, "\n");
    }
    if (I->block_c_cm3 > 0) {
      sb_printf(&b, "    blocked_by:\n");
      if (I->blocked_by >= 0) {
        sb_printf(&b, "      species: ");
        sb_str(&b, d->ions[I->blocked_by].name);
        sb_printf(&b, "\n");
      }
      if (I->block_density_cm3 > 0 || I->blocked_by < 0)
        kv_num(&b, "      ", "density_cm3", I->block_density_cm3);
      kv_num(&b, "      ", "c_block_cm3", I->block_c_cm3);
      sb_printf(&b, "      provenance: ");
      sb_str(&b, I->block_provenance);
      sb_printf(&b, "\n");
    }
  }
  sb_printf(&b, "traps:%s\n", d->n_traps ? "" : " []");
  for (int i = 0; i < d->n_traps; i++) {
    const idr_trap_spec *T = &d->traps[i];
    sb_printf(&b, "  - name: ");
    sb_str(&b, T->name);
    sb_printf(&b, "\n    layer: ");
    sb_str(&b, d->layers[T->layer].name);
    sb_printf(&b, "\n    type: %s\n", T->type == IDR_TRAP_DONOR ? "donor" : "acceptor");
    kv_num(&b, "    ", T->ref == IDR_EREF_EV ? "E_from_Ev_eV" : "E_from_Ec_eV", T->E_eV);
    if (T->at_interface) {
      sb_printf(&b, "    interface: ");
      sb_str(&b, d->layers[T->interface_layer].name);
      sb_printf(&b, "\n");
      kv_num(&b, "    ", "sheet_density_cm2", T->sheet_density_cm2);
    } else {
      kv_num(&b, "    ", "density_cm3", T->density_cm3);
    }
    if (T->from_nm > 0) kv_num(&b, "    ", "from_nm", T->from_nm);
    if (T->to_nm > 0) kv_num(&b, "    ", "to_nm", T->to_nm);
    if (T->bound) {
      sb_printf(&b, "    follows_ion: ");
      sb_str(&b, d->ions[T->ion].name);
      sb_printf(&b, "\n");
    }
    kv_num(&b, "    ", "c_n_cm3_s", T->c_n_cm3_s);
    kv_num(&b, "    ", "c_p_cm3_s", T->c_p_cm3_s);
    kv_num(&b, "    ", "sigma_E_eV", T->sigma_E_eV);
    sb_printf(&b, "    levels: %d\n", T->levels);
  }
  sb_printf(&b, "contacts:\n");
  const idr_contact_spec *cs[2] = {&d->contact_left, &d->contact_right};
  for (int s = 0; s < 2; s++) {
    if (isfinite(cs[s]->work_function_eV))
      sb_printf(&b, "  %s: {work_function_eV: %s}\n", s ? "right" : "left",
                idr_yout_fmt(cs[s]->work_function_eV, t1));
    else
      sb_printf(&b, "  %s: {}  # flat band\n", s ? "right" : "left");
  }
  sb_printf(&b, "generation:\n  model: %s\n  side: %s\n", GEN_NAMES[d->generation.model],
            d->generation.from_right ? "right" : "left");
  kv_num(&b, "  ", "photon_flux_cm2_s", d->generation.photon_flux_cm2_s);
  sb_printf(&b, "mesh:\n  nodes: %d\n", d->mesh.nodes);
  kv_num(&b, "  ", "h_min_nm", d->mesh.h_min_nm);
  sb_printf(&b, "solver:\n");
  kv_num(&b, "  ", "rtol", d->solver.rtol);
  kv_num(&b, "  ", "atol_density_cm3", d->solver.atol_density_cm3);
  kv_num(&b, "  ", "atol_potential_V", d->solver.atol_potential_V);
  sb_printf(&b, "  max_steps: %ld\n", d->solver.max_steps);
  sb_printf(&b, "  linear: %s\n", d->solver.linear == IDR_LINEAR_KLU ? "klu" : "block");
  sb_printf(&b, "  carrier_relaxation: %s\n",
            d->solver.carriers == IDR_CARRIERS_INTEGRATE ? "integrate" : "quasi_steady");
  const idr_protocol_spec *P = &d->protocol;
  sb_printf(&b, "protocol:\n  type: %s\n", idr_protocol_name(P));
  if (P->keys && P->keys->emit) P->keys->emit(P->spec.bytes, &b);
  sb_printf(&b, "output:\n  h5: ");
  sb_str(&b, d->output.h5_path);
  sb_printf(&b, "\n  csv: ");
  sb_str(&b, d->output.csv_path);
  sb_printf(&b, "\n");
  if (b.oom) {
    free(b.s);
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  *out = b.s;
  return IDR_OK;
}
