import { limits } from '@pigeon/schema';
import { inputClass } from './field';

/**
 * A group's name, as its creator or its owner types it. The label wraps the box, so the text
 * takes the size of what is around it.
 */
export function GroupNameField({
  value,
  onChange,
  className,
  required,
}: {
  value: string;
  onChange: (name: string) => void;
  /** Where the label sits in its form (block, or a share of a row). */
  className: string;
  required?: boolean;
}) {
  return (
    <label className={`font-medium ${className}`}>
      Group name
      <input
        className={inputClass}
        value={value}
        maxLength={limits.groupName.max}
        required={required}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}
