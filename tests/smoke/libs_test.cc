#include <Eigen/Dense>
#include <H5Cpp.h>
#include <glog/logging.h>
#include <gtest/gtest.h>
TEST(Libs, Link) {
  Eigen::MatrixXf a = Eigen::MatrixXf::Identity(3, 3);
  EXPECT_EQ(a.trace(), 3.0f);
  H5::H5File f("/tmp/x.h5", H5F_ACC_TRUNC);
}
