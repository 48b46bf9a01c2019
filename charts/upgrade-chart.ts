import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { upgradeChannel, upgradeSubscriptions } from '../src/plan/plan-facts.js';
import { SubscriptionOverlay } from './constructs/subscription-overlay.js';
import { PhaseChart } from './phase-chart.js';

/**
 * Upgrade (after the window, only with `spec.upgrade.enabled`): the 3scale operator's Subscription, and
 * the APIcast operator's when the plan names it, follow the 2.16 channel (seed chapters 1 and 2). Only
 * the channel changes; the approval mode stays as found, so with Manual approval OLM waits for someone to
 * approve the 2.16 InstallPlan. The running 2.15 operator then checks the 2.16 requirements before OLM
 * installs 2.16.
 */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  const channel = upgradeChannel(context.plan);
  for (const s of upgradeSubscriptions(context.plan)) {
    new SubscriptionOverlay(chart, `Subscription-${s.operator}`, { subscription: s, channel, phaseId: chart.phaseId });
  }
  return chart;
}
