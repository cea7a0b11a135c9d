export const TEMPLATE_DB = 'jiaoliu_test_template';
