import { describe, expect, it } from '@jest/globals';
import { createMetrics } from '../../../shared/telemetry/create-metrics.js';
import { InvalidInputError } from '../../../shared/errors/errors.js';

describe('createMetrics', () => {
  it('gives each host its own registry, so two never collide', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.tasksStarted.inc({ agent: 'x' });
    expect(await a.metricsText()).toContain('orchestra_tasks_started_total{agent="x"} 1');
    expect(await b.metricsText()).not.toContain('agent="x"');
    a.dispose();
    b.dispose();
  });

  it('exposes every instrument in the text after use', async () => {
    const metrics = createMetrics({ defaultLabels: { host: 'test' } });
    metrics.eventsPublished.inc({ topic: 'file.saved' });
    metrics.eventsDelivered.inc({ subscription: 'review' }, 2);
    metrics.eventsDropped.inc({ subscription: 'dash' }, 5);
    metrics.handlerErrors.inc({ subscription: 'review', topic: 'file.saved' });
    metrics.tasksStarted.inc({ agent: 'sec' });
    metrics.tasksCompleted.inc({ agent: 'sec' });
    metrics.tasksFailed.inc({ agent: 'sec', reason: 'timeout' });
    metrics.tasksCancelled.inc({ agent: 'sec' });
    metrics.taskDuration.observe({ agent: 'sec', outcome: 'completed' }, 0.2);
    metrics.agentErrors.inc({ agent: 'sec', kind: 'crash' });
    const depth = metrics.trackQueueDepth('tasks', () => 7);
    const text = await metrics.metricsText();
    for (const line of [
      'orchestra_events_published_total{topic="file.saved",host="test"} 1',
      'orchestra_events_delivered_total{subscription="review",host="test"} 2',
      'orchestra_events_dropped_total{subscription="dash",host="test"} 5',
      'orchestra_handler_errors_total{subscription="review",topic="file.saved",host="test"} 1',
      'orchestra_tasks_started_total{agent="sec",host="test"} 1',
      'orchestra_tasks_completed_total{agent="sec",host="test"} 1',
      'orchestra_tasks_failed_total{agent="sec",reason="timeout",host="test"} 1',
      'orchestra_tasks_cancelled_total{agent="sec",host="test"} 1',
      'orchestra_task_duration_seconds_bucket{le="0.25",host="test",agent="sec",outcome="completed"} 1',
      'orchestra_task_duration_seconds_count{host="test",agent="sec",outcome="completed"} 1',
      'orchestra_agent_errors_total{agent="sec",kind="crash",host="test"} 1',
      'orchestra_queue_depth{queue="tasks",host="test"} 7',
    ]) {
      expect(text).toContain(line);
    }
    expect(metrics.contentType).toMatch(/^text\/plain/);
    depth.dispose();
    metrics.dispose();
  });

  it('samples queue depth at scrape time and drops the series when tracking stops', async () => {
    const metrics = createMetrics();
    let depth = 1;
    const tracking = metrics.trackQueueDepth('bus', () => depth);
    expect(await metrics.metricsText()).toContain('orchestra_queue_depth{queue="bus"} 1');
    depth = 42;
    expect(await metrics.metricsText()).toContain('orchestra_queue_depth{queue="bus"} 42');
    tracking.dispose();
    expect(await metrics.metricsText()).not.toContain('queue="bus"');
    metrics.dispose();
  });

  it('keeps scraping when a sampler throws', async () => {
    const metrics = createMetrics();
    const bad = metrics.trackQueueDepth('broken', () => {
      throw new Error('gone');
    });
    const good = metrics.trackQueueDepth('ok', () => 3);
    expect(await metrics.metricsText()).toContain('orchestra_queue_depth{queue="ok"} 3');
    bad.dispose();
    good.dispose();
    metrics.dispose();
  });

  it('bound series sum in memory and are exact whenever read', async () => {
    const metrics = createMetrics();
    const a = metrics.bind(metrics.eventsDelivered, { subscription: 'review' });
    const again = metrics.bind(metrics.eventsDelivered, { subscription: 'review' });
    for (let i = 0; i < 1000; i++) a.inc();
    again.inc(5);
    metrics.eventsDelivered.inc({ subscription: 'review' }, 10);
    expect(await metrics.metricsText()).toContain('orchestra_events_delivered_total{subscription="review"} 1015');
    a.inc();
    expect((await metrics.eventsDelivered.get()).values).toEqual([expect.objectContaining({ labels: { subscription: 'review' }, value: 1016 })]);
    metrics.dispose();
  });

  it('caps distinct label values and folds the rest into "other"', () => {
    const metrics = createMetrics({ maxLabelValues: 2 });
    expect(['a', 'b', 'c', 'a', 'd'].map((id) => metrics.label('agent', id))).toEqual(['a', 'b', 'other', 'a', 'other']);
    expect(metrics.label('topic', 'c')).toBe('c');
    metrics.dispose();
  });

  it('honours a prefix and rejects invalid options', async () => {
    const metrics = createMetrics({ prefix: 'app_' });
    metrics.tasksStarted.inc({ agent: 'x' });
    expect(await metrics.metricsText()).toContain('app_tasks_started_total{agent="x"} 1');
    metrics.dispose();
    expect(() => createMetrics({ prefix: '9bad-' })).toThrow(InvalidInputError);
    expect(() => createMetrics({ maxLabelValues: 0 })).toThrow(/maxLabelValues must be a positive integer/);
  });

  it('empties the registry on dispose', async () => {
    const metrics = createMetrics();
    metrics.tasksStarted.inc({ agent: 'x' });
    metrics.dispose();
    expect((await metrics.metricsText()).trim()).toBe('');
  });
});
