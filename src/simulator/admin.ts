import { DEMO_CUSTOMERS, DEMO_STAFF } from './demo-data';

/**
 * What the simulator shows about the bot's records, read through the bot's own admin API
 * (bearer ADMIN_TOKEN) like any other client would: the staff list, and the timeline of leads
 * and tickets with their approvals.
 */

export const ROLE_TITLES: Record<string, string> = {
  consultant: '销售顾问',
  store_manager: '门店经理',
  cs_specialist: '投诉专员',
  cs_manager: '客服部经理',
  gm: '总经理',
  hr: '人资',
  finance: '财务',
};
const ROLE_ORDER = Object.keys(ROLE_TITLES);

export interface StaffEntry {
  userId: string;
  name: string;
  roles: string[];
  title: string;
}

export interface PersonRef {
  name: string | null;
  openid: string | null;
}

export interface LeadEntry {
  number: string;
  status: string;
  serviceType: string | null;
  district: string | null;
  consultant: string | null;
  customer: PersonRef;
  createdAt: string;
}

export interface TicketEntry {
  number: string;
  kind: string;
  severity: string | null;
  status: string;
  summary: string;
  owner: string | null;
  customer: PersonRef;
  createdAt: string;
  approvals: { step: string; role: string; status: string; decision: string | null; decidedBy: string | null }[];
}

export class AdminApiError extends Error {
  constructor(readonly path: string, readonly status: number) {
    super(`admin API ${path} answered ${status}`);
  }
}

export class AdminView {
  private readonly customerCache = new Map<number, { at: number; value: Record<string, unknown> | null }>();

  constructor(readonly botUrl: string, private readonly adminToken: string) {}

  async get<T = any>(path: string): Promise<T> {
    const response = await fetch(this.botUrl + path, { headers: { authorization: `Bearer ${this.adminToken}` } });
    if (!response.ok) throw new AdminApiError(path, response.status);
    return (await response.json()) as T;
  }

  /** The bot's QR code for a customer (GET /api/customers/:id/qrcode): the picture, or with `json` its URL. */
  async qrCode(customerId: number): Promise<{ contentType: string; bytes: Buffer }> {
    const path = `/api/customers/${customerId}/qrcode`;
    const response = await fetch(this.botUrl + path, { headers: { authorization: `Bearer ${this.adminToken}` } });
    if (!response.ok) throw new AdminApiError(path, response.status);
    return { contentType: response.headers.get('content-type') ?? 'application/octet-stream', bytes: Buffer.from(await response.arrayBuffer()) };
  }

  /** Running contracts and their customers, for the signing QR code the page shows and "scans". */
  async contracts(): Promise<{ customerId: number; number: string; serviceType: string | null; customer: string | null; linked: boolean }[]> {
    const { contracts } = await this.get<{ contracts: { customerId: number; number: string; serviceType: string | null }[] }>('/api/contracts?status=active&limit=50');
    return Promise.all(
      contracts.map(async (c) => {
        const customer = await this.customer(c.customerId);
        return { customerId: c.customerId, number: c.number, serviceType: c.serviceType, customer: (customer?.name as string | null | undefined) ?? null, linked: Boolean(customer?.openid) };
      }),
    );
  }

  /** Active staff, ordered by role (consultants first, then managers, CS, GM, HR, finance). */
  async staff(): Promise<StaffEntry[]> {
    const [{ staff }, { stores }] = await Promise.all([
      this.get<{ staff: { wecomUserId: string; name: string; roles: string[]; storeCode: string | null }[] }>('/api/staff?active=true&limit=500'),
      this.get<{ stores: { code: string; name: string }[] }>('/api/stores').catch(() => ({ stores: [] as { code: string; name: string }[] })),
    ]);
    const storeName = new Map(stores.map((s) => [s.code, s.name]));
    const rank = (roles: string[]) => Math.min(99, ...roles.map((r) => (ROLE_ORDER.includes(r) ? ROLE_ORDER.indexOf(r) : 99)));
    return staff
      .map((s) => {
        const demo = DEMO_STAFF.find((d) => d.wecomUserId === s.wecomUserId);
        const roles = s.roles.map((r) => ROLE_TITLES[r] ?? r).join('、');
        const store = s.storeCode ? (storeName.get(s.storeCode) ?? s.storeCode) : '';
        return { userId: s.wecomUserId, name: s.name, roles: s.roles, title: demo?.title ?? [roles, store].filter(Boolean).join(' · '), rank: rank(s.roles) };
      })
      .sort((a, b) => a.rank - b.rank)
      .map(({ rank: _rank, ...entry }) => entry);
  }

  demoCustomers(): { openid: string; name: string; note: string }[] {
    return DEMO_CUSTOMERS.map((c) => ({ openid: c.openid, name: c.name, note: c.note }));
  }

  private async customer(id: number): Promise<Record<string, unknown> | null> {
    const cached = this.customerCache.get(id);
    if (cached && Date.now() - cached.at < 5000) return cached.value;
    const value = await this.get(`/api/customers/${id}`).catch(() => null);
    this.customerCache.set(id, { at: Date.now(), value });
    return value;
  }

  /** The newest leads and tickets, who has them, and (tickets) their approvals. */
  async records(limit = 20): Promise<{ leads: LeadEntry[]; tickets: TicketEntry[] }> {
    const [{ leads }, { tickets }, { staff }] = await Promise.all([
      this.get<{ leads: any[] }>(`/api/leads?limit=${limit}`),
      this.get<{ tickets: any[] }>(`/api/tickets?limit=${limit}`),
      this.get<{ staff: { id: number; name: string }[] }>('/api/staff?limit=500'),
    ]);
    const staffName = new Map(staff.map((s) => [s.id, s.name]));
    const customerIds = [...new Set([...leads, ...tickets].map((r) => r.customerId as number))];
    const customers = new Map(await Promise.all(customerIds.map(async (id) => [id, await this.customer(id)] as const)));
    const who = (id: number): PersonRef => {
      const c = customers.get(id);
      return { name: (c?.name as string | null | undefined) ?? null, openid: (c?.openid as string | null | undefined) ?? null };
    };
    const details = await Promise.all(tickets.slice(0, 8).map((t) => this.get(`/api/tickets/${t.id}`).catch(() => null)));
    return {
      leads: leads.map((l) => ({
        number: l.number,
        status: l.status,
        serviceType: l.serviceType,
        district: l.district,
        consultant: l.consultantId ? (staffName.get(l.consultantId) ?? null) : null,
        customer: who(l.customerId),
        createdAt: l.createdAt,
      })),
      tickets: tickets.map((t, i) => ({
        number: t.number,
        kind: t.kind,
        severity: t.severity,
        status: t.status,
        summary: typeof t.summary === 'string' ? t.summary.slice(0, 60) : '',
        owner: t.ownerId ? (staffName.get(t.ownerId) ?? null) : null,
        customer: who(t.customerId),
        createdAt: t.createdAt,
        approvals: ((details[i] as any)?.approvals ?? []).map((a: any) => ({ step: a.step, role: a.role, status: a.status, decision: a.decision, decidedBy: a.decidedBy })),
      })),
    };
  }
}
