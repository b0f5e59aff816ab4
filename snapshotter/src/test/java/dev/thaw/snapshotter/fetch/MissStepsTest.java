package dev.thaw.snapshotter.fetch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MissStepsTest {
  private static final long RUN = 4L << 20;

  @Test
  void walks_twoShortStepsInARow_isAWalk() {
    MissSteps steps = new MissSteps();
    assertFalse(steps.walks(0, RUN), "the first miss has nothing to step from");
    steps.ranTo(100_000);
    assertFalse(steps.walks(150_000, RUN), "one short step is chance");
    steps.ranTo(200_000);
    assertTrue(steps.walks(300_000, RUN));
  }

  @Test
  void walks_aLongJumpOrABackwardStep_startsOver() {
    MissSteps steps = new MissSteps();
    steps.walks(0, RUN);
    steps.ranTo(100_000);
    steps.walks(150_000, RUN);
    steps.ranTo(200_000);
    assertFalse(steps.walks(200_000 + RUN / 4 + 1, RUN), "beyond a quarter of the run size");
    steps.ranTo(3_000_000);
    assertFalse(steps.walks(3_000_000, RUN));
    steps.ranTo(3_100_000);
    assertFalse(steps.walks(1_000, RUN), "backwards");
  }
}
