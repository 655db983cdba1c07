/**
 * Reverse-mode automatic differentiation: a {@link dev.fivefold.autodiff.Tape} of
 * {@link dev.fivefold.autodiff.Var}s over the closed set of primitive
 * {@link dev.fivefold.autodiff.Op}s, the functional API {@link dev.fivefold.autodiff.F}, and
 * one table of derivative rules ({@code Derivatives}).
 */
package dev.fivefold.autodiff;
