import type { EntityManager } from 'typeorm';
import { Staff, Store } from '../../src/entities';

/** Organisation rows the flow tests start from. */

export function addStore(m: EntityManager, code: string, name: string, districts: string, isDefault = false): Promise<Store> {
  return m.save(m.create(Store, { code, name, districts, isDefault }));
}

export function addStaff(m: EntityManager, wecomUserId: string, name: string, roles: string, storeId: number | null, active = true): Promise<Staff> {
  return m.save(m.create(Staff, { wecomUserId, name, roles, storeId, active, workingHours: '09:00-18:00', lastAssignedAt: null }));
}
