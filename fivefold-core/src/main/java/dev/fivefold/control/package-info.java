/**
 * Control of training: open-loop {@link dev.fivefold.control.Schedules}, closed-loop
 * {@link dev.fivefold.control.Controller}s fed {@link dev.fivefold.control.Signals} by the trainer
 * ({@link dev.fivefold.control.ReduceOnPlateau}, {@link dev.fivefold.control.PidController},
 * {@link dev.fivefold.control.StabilityCap} with {@link dev.fivefold.control.Hessian}, each optionally
 * after a {@link dev.fivefold.control.RangeTest}), gradient
 * {@link dev.fivefold.control.Clipping}, and the {@link dev.fivefold.control.DivergenceGuard};
 * the controllers by name ({@link dev.fivefold.control.Controllers}) and the smoothed loss
 * ({@link dev.fivefold.control.BiasCorrectedEma}). The experiments that train are in
 * {@code dev.fivefold.control.experiment}.
 */
package dev.fivefold.control;
