/** Optimizers as composable {@link dev.fivefold.optim.GradientTransform}s (optax style), their state, and the learning-rate actuator. */
package dev.fivefold.optim;
