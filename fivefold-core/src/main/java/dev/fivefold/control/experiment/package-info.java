/**
 * The control experiments as library calls, a validated config record in and a result record out:
 * {@link dev.fivefold.control.experiment.ControllerComparison} (open-loop schedules against the
 * closed-loop {@link dev.fivefold.control.Controllers}) and
 * {@link dev.fivefold.control.experiment.GuardExperiment} (the divergence guard). They train with
 * {@code dev.fivefold.train}, which depends on {@code control}; living in a subpackage keeps the
 * package graph free of cycles.
 */
package dev.fivefold.control.experiment;
