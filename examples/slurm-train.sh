#!/bin/bash
# dnacnn on a Slurm cluster: one rank per GPU, 2 nodes x 4 GPUs = 8 ranks, then a sharded scan of
# the predictions and their merge. Submit with: sbatch examples/slurm-train.sh
# Paths under /shared must be on a file system every node sees (each rank reads the data and, when
# resuming, the checkpoint; only rank 0 writes the run directory).
#SBATCH --job-name=dnacnn
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=4
#SBATCH --gpus-per-node=4
#SBATCH --cpus-per-task=8
#SBATCH --time=12:00:00
set -euo pipefail

# torchrun's variables: rank 0's node serves the rendezvous.
export MASTER_ADDR=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
export MASTER_PORT=${MASTER_PORT:-29500}
export WORLD_SIZE=$SLURM_NTASKS
# export GLOO_SOCKET_IFNAME=ib0   # the network interface the ranks talk over, when not the default

RUN=/shared/runs/deepcnn
if [ -f "$RUN/checkpoint.safetensors" ]; then
  # A requeued or timed-out job continues where the last one stopped.
  TRAIN=(train --resume "$RUN" --distributed --quiet)
else
  TRAIN=(train --data /shared/data/peaks.tsv.gz --model deepcnn --task binary --out "$RUN"
         --epochs 30 --batch-size 1024 --optimizer adam --lr 0.001 --distributed --quiet
         --device cuda --threads "$SLURM_CPUS_PER_TASK")
fi
# --device cuda: each rank takes the GPU LOCAL_RANK of its node. The global batch (--batch-size)
# is split over the ranks, so the result does not depend on how many there are.
srun bash -c 'RANK=$SLURM_PROCID LOCAL_RANK=$SLURM_LOCALID exec dnacnn "$@"' dnacnn "${TRAIN[@]}"

# Predictions split by record over the same tasks (--shard auto reads SLURM_PROCID/SLURM_NTASKS),
# then joined into the file one process would have written.
unset WORLD_SIZE
srun bash -c 'exec dnacnn predict --model '"$RUN"'/model --in /shared/data/windows.fa.gz --out /shared/preds.tsv \
  --shard auto --device cuda:$SLURM_LOCALID --threads $SLURM_CPUS_PER_TASK --quiet'
dnacnn merge --out /shared/preds.tsv
