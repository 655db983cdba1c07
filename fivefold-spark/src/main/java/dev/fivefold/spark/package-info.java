/**
 * Data-parallel training of fivefold models on Apache Spark: per-step synchronous SGD with
 * compressed gradients in one barrier stage whose tasks run the simulator's {@code dist.Node} code and
 * exchange over a TCP {@link Ring} ({@link BarrierSgd}, bit-identical to {@code dist.Simulator}); the
 * simulator's local SGD as one Spark job per round ({@link LocalSgd}), with an in-process engine that gives the same
 * numbers bit for bit ({@link InProcessRounds}), a standalone cluster on localhost started from the
 * Spark jars ({@link LocalStandalone}), and the measurements the α–β cost model is fitted to
 * ({@link SparkTimings}).
 *
 * <p>The shape of a round of {@link LocalSgd} (per-step exchange is {@link BarrierSgd}'s job): a Spark job costs tens of milliseconds and
 * a barrier-stage sync about a second (the barrier coordinator polls once a second), so
 * synchronising every step through Spark is too slow. A round instead broadcasts the model and
 * runs one task per worker ({@link LocalWorker}): the task rebuilds that worker of the simulator's
 * run ({@code dist.Node}: shard, batches, compressor residual, SGD momentum), restores the state it
 * returned last round, runs the simulator's H local steps ({@code Node.localSteps}) and returns its
 * compressed delta with its new state; the driver aggregates the deltas in rank order as
 * {@code dist.Simulator} does, so the weights are the simulator's, bit for bit. Tasks are pure
 * functions of the broadcast weights and the state the driver carries, so a task Spark re-runs after
 * a lost executor returns the same bytes: a run that loses a worker ends bit-identical to one that
 * does not.
 *
 * <p>Spark stays out of {@code fivefold-core}: this module depends on it, the core does not.
 */
package dev.fivefold.spark;
