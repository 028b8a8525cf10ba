import { describe, expect, it } from 'vitest';
import { prefixTsQuery } from '../src/services/search-query';

describe('prefixTsQuery', () => {
  it('makes every word a prefix, all required', () => {
    expect(prefixTsQuery('hik')).toBe('hik:*');
    expect(prefixTsQuery('Hiking  TRIP')).toBe('hiking:* & trip:*');
  });

  it('keeps phrases in order, exclusions and or', () => {
    expect(prefixTsQuery('"see you" soon')).toBe('(see:* <-> you:*) & soon:*');
    expect(prefixTsQuery('pizza -pineapple')).toBe('pizza:* & !pineapple:*');
    expect(prefixTsQuery('tea or coffee')).toBe('(tea:* | coffee:*)');
  });

  it('lets no tsquery syntax through, and gives up when nothing searchable is left', () => {
    // Words joined by punctuation stay together, as the text's own tokens do ("e-mail").
    expect(prefixTsQuery("a&b | c:* !d ('e')")).toBe('(a:* <-> b:*) & c:* & d:* & e:*');
    expect(prefixTsQuery('!!! ... ')).toBeNull();
    expect(prefixTsQuery('-only -excluded')).toBeNull();
    expect(prefixTsQuery('or')).toBeNull();
  });

  it('handles any script', () => {
    expect(prefixTsQuery('Grüße 東京')).toBe('grüße:* & 東京:*');
  });
});
