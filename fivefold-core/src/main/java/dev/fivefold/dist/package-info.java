/**
 * Data-parallel training independent of the engine that runs it: the {@link dev.fivefold.dist.Worker}
 * (a shard, its batches, its compressor state: gradient in, payload bytes out), the
 * {@link dev.fivefold.dist.Replica} (a model copy and its SGD), the {@link dev.fivefold.dist.Shards}
 * of the training set, the α–β {@link dev.fivefold.dist.Network} cost of all-reduce and all-gather,
 * a {@link dev.fivefold.dist.Node} (one worker and its replica, stepping through a
 * {@link dev.fivefold.dist.Collective}: what a Spark task runs), the fitted α–β
 * {@link dev.fivefold.dist.CostModel}, the deterministic in-process {@link dev.fivefold.dist.Simulator} (synchronous SGD with compressed
 * all-reduce, gradient accumulation, local SGD) and the {@link dev.fivefold.dist.DistributedExperiment}
 * that {@code fivefold distributed} runs. The compressors are in {@code compress.grad}; Spark lives in
 * the {@code fivefold-spark} module, which runs the same {@code Worker} code in its tasks.
 */
package dev.fivefold.dist;
