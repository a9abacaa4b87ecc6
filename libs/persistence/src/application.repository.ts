import type { QueryDeepPartialEntity } from 'typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ApplicationEntity } from './entities/application.entity';

export class ApplicationRepository {
  constructor(private readonly ds: DataSource) {}

  byName(name: string, m: EntityManager = this.ds.manager): Promise<ApplicationEntity | null> {
    return m.findOne(ApplicationEntity, { where: { name } });
  }

  list(): Promise<ApplicationEntity[]> {
    return this.ds.manager.find(ApplicationEntity, { order: { name: 'ASC' } });
  }

  async insert(row: Omit<ApplicationEntity, 'createdAt' | 'updatedAt'>, m: EntityManager = this.ds.manager): Promise<ApplicationEntity> {
    await m.insert(ApplicationEntity, { ...row, createdAt: new Date(), updatedAt: new Date() } as QueryDeepPartialEntity<ApplicationEntity>);
    return (await this.byName(row.name, m)) as ApplicationEntity;
  }

  async update(name: string, changes: Partial<Omit<ApplicationEntity, 'name' | 'createdAt'>>, m: EntityManager = this.ds.manager): Promise<ApplicationEntity | null> {
    const r = await m.update(ApplicationEntity, { name }, { ...changes, updatedAt: new Date() } as QueryDeepPartialEntity<ApplicationEntity>);
    if (!r.affected) return null;
    return this.byName(name, m);
  }

  async delete(name: string, m: EntityManager = this.ds.manager): Promise<boolean> {
    const r = await m.delete(ApplicationEntity, { name });
    return (r.affected ?? 0) > 0;
  }
}
