import type { Observable } from 'rxjs';
import { firstValueFrom } from 'rxjs';
import { ApiError } from './api-error';

/**
 * Awaits one HttpClient call and turns any failure into an `ApiError`, so pages handle one error
 * type whatever went wrong.
 */
export async function apiCall<T>(call: Observable<T>): Promise<T> {
  try {
    return await firstValueFrom(call);
  } catch (error) {
    throw ApiError.from(error);
  }
}
