/** What Bubble passes to a server-side action (plugin API v4). */
export type BubbleProperties = Readonly<Record<string, unknown>>;

export interface BubbleContext {
  readonly keys?: Readonly<Record<string, unknown>> | undefined;
}

/** A Bubble list: its items are read with async `length()` and `get(start, count)`. */
export interface BubbleList {
  length(): Promise<number> | number;
  get(start: number, count: number): Promise<unknown[]> | unknown[];
}

/** The flat object an action returns; its keys are the `name`s of the action's return values. */
export type ReturnValues = Record<string, string | number | boolean | Date | string[] | null>;
