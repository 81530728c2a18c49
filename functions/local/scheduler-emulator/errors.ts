/** The error types the Scheduler REST API returns, with the HTTP status the SDK maps each from. */
export const API_ERROR_STATUS = {
  ValidationException: 400,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ServiceQuotaExceededException: 402,
  InternalServerException: 500,
} as const;

export type ApiErrorType = keyof typeof API_ERROR_STATUS;

/** A failure the emulator reports to the client exactly as the real service would. */
export class SchedulerApiError extends Error {
  override readonly name = 'SchedulerApiError';
  readonly type: ApiErrorType;

  constructor(type: ApiErrorType, message: string, options?: ErrorOptions) {
    super(message, options);
    this.type = type;
  }

  get status(): number {
    return API_ERROR_STATUS[this.type];
  }
}

/** `runUntil` and `advanceToNextDue` move the clock, which only a VirtualClock allows. */
export class VirtualClockRequiredError extends Error {
  override readonly name = 'VirtualClockRequiredError';
}

/** A firing loop that never settles, e.g. a handler creating a schedule due now on every call. */
export class RunawayFiringError extends Error {
  override readonly name = 'RunawayFiringError';
}

/** `validation(...)`: shorthand used by the store and the request parsing. */
export function validation(message: string, options?: ErrorOptions): SchedulerApiError {
  return new SchedulerApiError('ValidationException', message, options);
}
