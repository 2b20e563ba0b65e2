// The typed client: every shape comes from the server's own types (src/api/console/types.ts).
import type { ActionResult, AuditRow, CaseDetail, ContractChain, ImportReport, CaseRow, CustomerDetail, CustomerRow, HousekeeperRow, LeadRow, LoginOptions, Me, MonthlyReportJson, QueueItem } from '../../src/api/console/types';

export type { ActionResult, AuditRow, CaseDetail, ContractChain, ImportReport, CaseRow, CustomerDetail, CustomerRow, HousekeeperRow, LeadRow, LoginOptions, Me, MonthlyReportJson, QueueItem };

export class ApiRefused extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

let csrf = '';
export const setCsrf = (token: string) => (csrf = token);

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, { ...init, credentials: 'same-origin', headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.method && init.method !== 'GET' ? { 'x-csrf-token': csrf } : {}) } });
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new ApiRefused(response.status, body.error ?? `请求失败（${response.status}）`);
  return body;
}

const post = <T>(path: string, body: unknown) => call<T>(path, { method: 'POST', body: JSON.stringify(body) });

export const api = {
  options: () => call<LoginOptions>('/console/auth/options'),
  devStaff: () => call<{ staff: { userId: string; name: string; roles: string[] }[] }>('/console/auth/dev'),
  devLogin: (userId: string) => post<{ ok: boolean }>('/console/auth/dev', { userId }),
  me: () => call<Me>('/console/api/me'),
  logout: () => post<{ ok: boolean }>('/console/api/logout', {}),
  queue: () => call<{ items: QueueItem[] }>('/console/api/queue'),
  cases: (query = '') => call<{ cases: CaseRow[] }>(`/console/api/cases${query}`),
  case: (number: string) => call<CaseDetail>(`/console/api/cases/${number}`),
  decide: (number: string, stepId: number, action: { choice: string } | { text: string }) => post<ActionResult>(`/console/api/cases/${number}/steps/${stepId}`, action),
  progress: (number: string, text: string) => post<ActionResult>(`/console/api/cases/${number}/progress`, { text }),
  note: (number: string, text: string) => post<ActionResult>(`/console/api/cases/${number}/notes`, { text }),
  consultants: () => call<{ consultants: { id: number; name: string; storeId: number | null }[] }>('/console/api/consultants'),
  leadAction: (leadId: number, choice: string) => post<ActionResult>(`/console/api/leads/${leadId}/actions`, { choice }),
  reassign: (leadId: number, consultantId: number) => post<ActionResult>(`/console/api/leads/${leadId}/reassign`, { consultantId }),
  leads: (status = '') => call<{ leads: LeadRow[] }>(`/console/api/leads${status ? `?status=${status}` : ''}`),
  customers: (q = '') => call<{ customers: CustomerRow[] }>(`/console/api/customers${q ? `?q=${encodeURIComponent(q)}` : ''}`),
  customer: (id: number) => call<CustomerDetail>(`/console/api/customers/${id}`),
  contracts: () => call<{ chains: ContractChain[] }>('/console/api/contracts'),
  /** An XMLHttpRequest, not fetch: it reports the upload's progress. */
  importCsv: (kind: 'housekeepers' | 'contracts', file: File, progress: (percent: number) => void) =>
    new Promise<ImportReport>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/console/api/import/${kind}`);
      xhr.setRequestHeader('content-type', 'text/csv');
      xhr.setRequestHeader('x-csrf-token', csrf);
      xhr.upload.onprogress = (e) => e.lengthComputable && progress(Math.round((e.loaded / e.total) * 100));
      xhr.onload = () => {
        const body = JSON.parse(xhr.responseText || '{}') as ImportReport & { error?: string };
        if (xhr.status === 200) resolve(body);
        else reject(new ApiRefused(xhr.status, body.error ?? `导入失败（${xhr.status}）`));
      };
      xhr.onerror = () => reject(new ApiRefused(0, '网络错误，导入没有完成'));
      xhr.send(file);
    }),
  housekeepers: () => call<{ housekeepers: HousekeeperRow[] }>('/console/api/housekeepers'),
  report: (month: string) => call<MonthlyReportJson>(`/console/api/reports/monthly?month=${month}`),
  audit: () => call<{ entries: AuditRow[] }>('/console/api/audit'),
};
