#!/bin/sh
# The Slurm scripts of examples/slurm run as Slurm would run them (without
# Slurm): the job array's three tasks with SLURM_ARRAY_* set, then the merge;
# the MPI script with `srun` replaced by mpirun -np 2 (when MPIRUN is given).
# Both must give the table of a plain run of the same spec.
#   slurm_check.sh IONDRIFT SOURCE_DIR WORK_DIR SPEC [MPIRUN]
set -eu
IONDRIFT=$1 SRC=$2 WORK=$3 SPEC=$4 MPIRUN=${5:-}
rm -rf "$WORK"
mkdir -p "$WORK/bin"
"$IONDRIFT" sweep "$SPEC" -o "$WORK/plain" -q
for k in 0 1 2; do
  SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_COUNT=3 SLURM_CPUS_PER_TASK=1 \
    SPEC="$SPEC" OUT="$WORK/array" IONDRIFT="$IONDRIFT" bash "$SRC/examples/slurm/sweep_array.sbatch"
done
test ! -e "$WORK/array/results.csv" || { echo "FAIL: a slice wrote the table"; exit 1; }
"$IONDRIFT" sweep "$SPEC" -o "$WORK/array" --merge -q
cmp "$WORK/plain/results.csv" "$WORK/array/results.csv" || { echo "FAIL: array != plain"; exit 1; }
echo "ok    the job array's 3 slices merged give the plain run's table"
if [ -n "$MPIRUN" ]; then
  cat > "$WORK/bin/srun" <<SHIM
#!/bin/sh
# srun for the test: its options dropped, the program under mpirun -np 2
while [ "\${1#--}" != "\$1" ]; do shift; done
exec "$MPIRUN" -np 2 --oversubscribe "\$@"
SHIM
  chmod +x "$WORK/bin/srun"
  PATH="$WORK/bin:$PATH" SLURM_CPUS_PER_TASK=1 SLURM_JOB_ID=0 SPEC="$SPEC" OUT="$WORK/mpi" \
    IONDRIFT="$IONDRIFT" bash "$SRC/examples/slurm/sweep_mpi.sbatch" >"$WORK/mpi.log" 2>&1 ||
    { cat "$WORK/mpi.log"; echo "FAIL: the MPI script"; exit 1; }
  cmp "$WORK/plain/results.csv" "$WORK/mpi/results.csv" || { echo "FAIL: mpi != plain"; exit 1; }
  grep -q "ran on        2 ranks" "$WORK/mpi.log" || { cat "$WORK/mpi.log"; echo "FAIL: not 2 ranks"; exit 1; }
  echo "ok    the MPI batch script (srun as mpirun -np 2) gives the plain run's table"
fi
