/** Control of training: learning-rate schedules (open loop); closed-loop controllers share the same role of setting the learning rate each step. */
package dev.fivefold.control;
