import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { errorMessage, fieldErrorsOf, isConflict } from './errors';
import { setLang } from './i18n';

afterEach(() => setLang('es'));

describe('errorMessage', () => {
  const cases: [number, string, string][] = [
    [0, 'Sin conexión', 'No connection'],
    [401, 'sesión terminó', 'session ended'],
    [403, 'No tienes permiso', 'not allowed'],
    [404, 'No encontramos', 'could not find'],
    [409, 'Alguien más cambió esto', 'Someone else changed this'],
    [413, 'demasiado grande', 'too large'],
    [422, 'Revisa los campos', 'check the marked fields'],
    [500, 'servidor tuvo un problema', 'server had a problem'],
    [503, 'no puede guardar ni iniciar sesión', 'cannot save or sign anyone in'],
  ];
  it.each(cases)('maps %i in both languages', (status, es, en) => {
    const err = new ApiError({ status, errors: status === 422 ? [{ field: 'x', message: 'y' }] : [] });
    setLang('es');
    expect(errorMessage(err)).toContain(es);
    setLang('en');
    expect(errorMessage(err)).toContain(en);
  });

  it('says how long to wait on 429', () => {
    setLang('es');
    expect(errorMessage(new ApiError({ status: 429, retryAfter: 42 }))).toBe('Demasiados intentos. Vuelve a intentar en 42 s.');
    setLang('en');
    expect(errorMessage(new ApiError({ status: 429, retryAfter: 42 }))).toBe('Too many attempts. Try again in 42 s.');
    expect(errorMessage(new ApiError({ status: 429 }))).toContain('Too many attempts');
  });

  it('never shows raw exceptions', () => {
    expect(errorMessage(new Error('TypeError: x is undefined'))).not.toContain('TypeError');
  });

  it('exposes field errors only for validation answers', () => {
    const v = new ApiError({ status: 400, errors: [{ field: 'name', message: 'required' }] });
    expect(fieldErrorsOf(v)).toEqual({ name: 'required' });
    expect(fieldErrorsOf(new ApiError({ status: 409, errors: [{ field: 'name', message: 'x' }] }))).toEqual({});
    expect(fieldErrorsOf('nope')).toEqual({});
    expect(isConflict(new ApiError({ status: 409 }))).toBe(true);
  });
});
