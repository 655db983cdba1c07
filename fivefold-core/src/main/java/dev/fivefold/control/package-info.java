/**
 * Control of training: open-loop {@link dev.fivefold.control.Schedules} (as controllers:
 * {@link dev.fivefold.control.Controller#open}), closed-loop
 * {@link dev.fivefold.control.Controller}s fed {@link dev.fivefold.control.Signals} built by the
 * {@link dev.fivefold.control.Sensors} the trainer calls
 * ({@link dev.fivefold.control.ReduceOnPlateau}, {@link dev.fivefold.control.PidController},
 * {@link dev.fivefold.control.StabilityCap} with {@link dev.fivefold.control.Hessian}, each optionally
 * after a {@link dev.fivefold.control.LrRangeFinder}), gradient
 * clipping ({@link dev.fivefold.optim.Clipping}, a link prepended to the optimizer's chain), the
 * {@link dev.fivefold.control.DivergenceGuard}, and the {@link dev.fivefold.control.Rewinder} through
 * which a controller asks the loop to keep or go back to a training state; the controllers by
 * name ({@link dev.fivefold.control.Controllers}) and the smoothed loss
 * ({@link dev.fivefold.control.BiasCorrectedEma}). The experiments that train are in
 * {@code dev.fivefold.control.experiment}.
 */
package dev.fivefold.control;
