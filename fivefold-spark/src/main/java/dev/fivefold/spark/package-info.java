/**
 * Data-parallel training of fivefold models on Apache Spark: per-step synchronous SGD with
 * compressed gradients in one barrier stage whose tasks run the simulator's {@code dist.Node} code and
 * exchange over a TCP {@link Ring} ({@link BarrierSgd}, bit-identical to {@code dist.Simulator}); local
 * SGD / model averaging rounds as Spark jobs ({@link LocalSgd}), with an in-process reference engine that gives the same
 * numbers bit for bit ({@link InProcessRounds}), a standalone cluster on localhost started from the
 * Spark jars ({@link LocalStandalone}), and the measurements the α–β cost model is fitted to
 * ({@link SparkTimings}).
 *
 * <p>The shape of a round of {@link LocalSgd} (per-step exchange is {@link BarrierSgd}'s job): a Spark job costs tens of milliseconds and
 * a barrier-stage sync about a second (the barrier coordinator polls once a second), so
 * synchronising every step through Spark is too slow. A round instead broadcasts the model,
 * runs {@code H} local steps per worker inside one {@code mapPartitions} task (a partition is a
 * worker with its own shard and seed-derived batch order), and averages the workers' weight
 * deltas, coded by a {@link DeltaCodec} (the seam where gradient compressors plug in). Tasks are
 * pure functions of the broadcast weights and the small {@link WorkerState} the driver carries, so a
 * task Spark re-runs after a lost executor returns the same bytes: a run that loses a worker ends
 * bit-identical to one that does not.
 *
 * <p>Spark stays out of {@code fivefold-core}: this module depends on it, the core does not.
 */
package dev.fivefold.spark;
