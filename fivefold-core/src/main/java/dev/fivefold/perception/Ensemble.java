package dev.fivefold.perception;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Var;
import dev.fivefold.nn.Module;
import java.util.Collections;
import java.util.List;

/**
 * An ensemble of classifiers as one model: the mean of the members' logits,
 * <pre>
 *   z(x) = (1/K) Σ_k z_k(x),   p(x) = softmax(z(x) / T) ∝ (Π_k softmax(z_k(x) / T))^(1/K)
 * </pre>
 * i.e. the normalised geometric mean of the members' predictions at every temperature T. This is
 * the "cumbersome model" of Hinton, Vinyals &amp; Dean ("Distilling the Knowledge in a Neural
 * Network", 2015, §1 and §4): several independently trained nets whose combined soft targets a
 * single small model learns. Members must share input and output shapes; parameter names are
 * {@code m0.fc1.weight}, ...
 */
public final class Ensemble extends Module {
  private final List<Module> members;

  /**
   * An ensemble of {@code members}, registered as children {@code m0}, {@code m1}, ...
   *
   * @param members at least one classifier; owned by the ensemble from now on
   * @throws IllegalArgumentException if {@code members} is empty
   */
  public Ensemble(List<? extends Module> members) {
    if (members.isEmpty()) throw new IllegalArgumentException("an ensemble needs at least one member, got 0");
    for (int i = 0; i < members.size(); i++) child("m" + i, members.get(i));
    this.members = List.copyOf(members);
  }

  /**
   * The member classifiers, in order.
   *
   * @return an unmodifiable view
   */
  public List<Module> members() {
    return Collections.unmodifiableList(members);
  }

  @Override
  public Var forward(Var x) { // [N, ...] -> [N, classes]
    Var sum = members.getFirst().forward(x);
    for (int i = 1; i < members.size(); i++) sum = F.add(sum, members.get(i).forward(x));
    return members.size() == 1 ? sum : F.scale(sum, 1f / members.size());
  }
}
