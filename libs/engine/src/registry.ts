import type { QueueName } from './messages';
import type { StageDefinition, TaskImplementation } from './stage-definition';

/**
 * Stage types and task implementations, built once at start-up. Building fails, listing every
 * problem, when a type or task is registered twice or a stage names a task nobody implements:
 * a process with a hole in its registry must not start.
 */
export class StageRegistry {
  private readonly byType = new Map<string, StageDefinition>();
  private readonly tasks = new Map<string, TaskImplementation>();

  constructor(definitions: StageDefinition[], tasks: TaskImplementation[], options: { requireTasks?: boolean } = {}) {
    const problems: string[] = [];
    for (const def of definitions) {
      for (const name of [def.type, ...(def.aliases ?? [])]) {
        const other = this.byType.get(name);
        if (other) problems.push(`stage type "${name}" is defined twice (${other.type} and ${def.type})`);
        else this.byType.set(name, def);
      }
    }
    for (const t of tasks) {
      if (this.tasks.has(t.type)) problems.push(`task "${t.type}" has two implementations`);
      else this.tasks.set(t.type, t);
    }
    if (options.requireTasks !== false) {
      for (const def of definitions) {
        for (const tt of def.taskTypes) {
          if (!this.tasks.has(tt)) problems.push(`stage type "${def.type}" uses task "${tt}", which has no implementation`);
        }
        for (const st of def.syntheticStageTypes ?? []) {
          if (!this.byType.has(st)) problems.push(`stage type "${def.type}" plans stage type "${st}", which is not defined`);
        }
      }
    }
    if (problems.length > 0) throw new Error(`stage registry is inconsistent:\n- ${problems.join('\n- ')}`);
  }

  definition(type: string): StageDefinition | undefined {
    return this.byType.get(type);
  }

  /** Canonical definitions (aliases folded). */
  definitions(): StageDefinition[] {
    return [...new Set(this.byType.values())];
  }

  task(type: string): TaskImplementation | undefined {
    return this.tasks.get(type);
  }

  taskQueue(type: string): QueueName {
    return this.tasks.get(type)?.queue ?? 'tasks';
  }
}
