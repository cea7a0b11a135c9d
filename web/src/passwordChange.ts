/** The fields and checks of a password change, shared by 我的资料 and the forced first-sign-in screen. */
import { field, FormState, input, type Field } from './forms.js';

export interface PasswordChangeFields {
  fields: { currentPassword: Field; newPassword: Field; confirm: Field };
  state: FormState;
  /** The passwords when the form is complete and consistent; otherwise marks the field and gives null. */
  values(): { currentPassword: string; newPassword: string } | null;
}

export function passwordChangeFields(currentLabel: string, options: { autofocus?: boolean } = {}): PasswordChangeFields {
  const fields = {
    currentPassword: field({ label: currentLabel, control: input('currentPassword', { type: 'password', autocomplete: 'current-password', maxlength: 256, ...(options.autofocus ? { 'data-autofocus': true } : {}) }) }),
    newPassword: field({ label: '新密码', control: input('newPassword', { type: 'password', autocomplete: 'new-password', maxlength: 256 }), hint: '至少 10 个字符，不能与登录名相同' }),
    confirm: field({ label: '确认新密码', control: input('confirmPassword', { type: 'password', autocomplete: 'new-password', maxlength: 256 }) }),
  };
  // The server names the new password "password" in its validation errors.
  const state = new FormState(fields, { password: 'newPassword' });
  return {
    fields,
    state,
    values() {
      const currentPassword = fields.currentPassword.control.value;
      const newPassword = fields.newPassword.control.value;
      const problem = (field: string, message: string) => {
        state.fieldError(field, message);
        return null;
      };
      if (!currentPassword) return problem('currentPassword', `请输入${currentLabel}`);
      if ([...newPassword].length < 10) return problem('newPassword', '新密码至少 10 个字符');
      if (newPassword !== fields.confirm.control.value) return problem('confirm', '两次输入的新密码不一致');
      return { currentPassword, newPassword };
    },
  };
}
