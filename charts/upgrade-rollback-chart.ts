import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { upgradeSubscriptions } from '../src/plan/plan-facts.js';
import { CHANNEL_2_15 } from '../src/plan/plan-schema.js';
import { SubscriptionOverlay } from './constructs/subscription-overlay.js';
import { PhaseChart } from './phase-chart.js';

/**
 * Rollback of the upgrade: the Subscriptions follow the 2.15 channel again. OLM does not downgrade an
 * installed CSV, so this only stops an upgrade that is still pending (with Manual approval, an InstallPlan
 * nobody has approved yet); a completed 2.16 upgrade cannot be rolled back by channel.
 */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  for (const s of upgradeSubscriptions(context.plan)) {
    new SubscriptionOverlay(chart, `Subscription-${s.operator}`, { subscription: s, channel: CHANNEL_2_15, phaseId: chart.phaseId });
  }
  return chart;
}
