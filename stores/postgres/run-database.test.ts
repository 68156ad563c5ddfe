import { expect, it } from 'vitest';
import { postgresRunDatabase } from './run-database.ts';

it("spells the run's search path so libpq reads it too: a space as %20, never +", () => {
  const { url } = postgresRunDatabase('postgres://racer:s%40cret@db.local:6543/app?sslmode=disable&options=-c%20x%3Dy', 'racelab_ab12');
  expect(url).toBe('postgres://racer:s%40cret@db.local:6543/app?sslmode=disable&options=-c%20search_path%3Dracelab_ab12&application_name=racelab_ab12');
  expect(new URL(url).searchParams.get('options')).toBe('-c search_path=racelab_ab12');
});
