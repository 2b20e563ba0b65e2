import { lookupHash } from '../../entities/personal-data';
import { say } from '../../../config/say';

/** Mobile numbers are stored and hashed in one form: 11 digits. */
export function normalisePhone(phone: string): string {
  return phone.replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
}

export function phoneHash(phone: string): string {
  return lookupHash(`phone:${normalisePhone(phone)}`);
}

/** 138****8000: what staff see before a lead is accepted, and what logs would show. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return say('common.noPhone');
  const digits = normalisePhone(phone);
  return digits.length === 11 ? `${digits.slice(0, 3)}****${digits.slice(7)}` : '***';
}
