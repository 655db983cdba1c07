/**
 * The optimization experiments as library calls, a validated config record in and a result record
 * out: {@link dev.fivefold.optim.experiment.OptimizerComparison} (every optimizer at its usual rate,
 * {@link dev.fivefold.optim.OptimizerDefaults}) and
 * {@link dev.fivefold.optim.experiment.AdamThenSgdExperiment} (Adam against Adam-then-SGD). They
 * train with {@code dev.fivefold.train}, which depends on {@code optim}; living in a subpackage
 * keeps the package graph free of cycles.
 */
package dev.fivefold.optim.experiment;
